// Small pieces of wording shared by the human-oriented formats (text, grep, and the summary
// strings of XML), kept in one place so the formats agree with each other and with nmap.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/screen_safe.h"
#include "scan/records.h"

namespace portlens::output {

// Control bytes become "\xNN" (defined in core, which detect shares).
using core::screenSafe;

// "1 IP address" / "2 IP addresses".
std::string countOf(std::uint64_t count, std::string_view singular, std::string_view plural);

// nmap's run summary: "2 IP addresses (2 hosts up) scanned in 0.06 seconds".
std::string scanDoneSummary(const scan::ScanSummary& summary);

// A positive number with `digits` significant digits and no exponent ("0.00012", "1.7"), as
// nmap prints latencies.
std::string significantDigits(double value, int digits);

// nmap's name for a host: "name (ip)" or just "ip".
std::string nameAndAddress(const std::string& hostname, const core::IpAddress& ip);

}  // namespace portlens::output
