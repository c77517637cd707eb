// A fixed, deterministic scan fed to every formatter under test: an IPv4 host with an open
// and a filtered (no RTT) port, a host whose user-typed name needs escaping everywhere, an
// IPv6 host with 102 filtered ports (collapsed by the nmap-like formats), and a fourth host
// cut short by an interrupt (ports but no HostRecord). The summary says "interrupted".
#pragma once

#include <chrono>
#include <cstdint>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "output/formatter.h"
#include "registry/port_registry.h"
#include "scan/records.h"

namespace portlens::output::testing {

inline constexpr std::string_view kNastyName = "<script>&\"'";

// 2026-01-02 03:04:05 UTC
std::chrono::system_clock::time_point fixedStart();

scan::PortRecord portRecord(std::string_view ip, std::uint16_t port, scan::PortState state,
                            scan::Reason reason, std::chrono::nanoseconds rtt,
                            std::string hostname = "");
scan::HostRecord hostRecord(std::string_view ip, std::string hostname, scan::StateCounts counts);
scan::ScanInfo scanInfo();
scan::ScanSummary interruptedSummary();

using Event = std::variant<scan::PortRecord, scan::HostRecord>;

// begin(), the events in order, end().
void feed(Formatter& formatter, const scan::ScanInfo& info, const std::vector<Event>& events,
          const scan::ScanSummary& summary);

// The standard scenario described above.
std::vector<Event> standardEvents();

// Runs the standard scenario through one format and returns what it wrote.
std::string render(Format format, const FormatOptions& options = {});

// One shared registry: building it parses the embedded IANA table.
const registry::PortRegistry& testRegistry();

std::vector<std::string> splitLines(const std::string& text);

}  // namespace portlens::output::testing
