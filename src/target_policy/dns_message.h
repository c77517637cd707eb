// A DNS query builder and a bounded answer parser (RFC 1035), for the verification of targets
// (server/verification_*): the TXT record `_portlens-challenge.NAME` and the A/AAAA records
// of a name being proved. Pure: the UDP exchange is server/verification_dns.
//
// The answer comes from the network and is hostile input: every read is bounds-checked,
// compression pointers may only point backwards and at most kMaxJumps times, a name is at
// most 255 bytes, and the message at most 65535 bytes. Only records of the asked type whose
// owner is the asked name (or a CNAME target reached from it, in answer order) are taken.
// Fuzzed by tests/fuzz/fuzz_dns_message.cpp.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"

namespace portlens::target_policy {

enum class DnsType : std::uint16_t { kA = 1, kCname = 5, kTxt = 16, kAaaa = 28 };

// A malformed name (for the builder) or message (for the parser).
class DnsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A standard recursive query for one name ("a.example" or "a.example."); throws DnsError for
// an empty label, a label over 63 bytes or a name over 253 characters.
std::vector<std::uint8_t> buildDnsQuery(std::uint16_t id, std::string_view name, DnsType type);

struct DnsAnswer {
  int rcode = 0;                           // 0 NOERROR, 3 NXDOMAIN, ...
  std::vector<std::string> texts;          // TXT: each record's strings joined
  std::vector<core::IpAddress> addresses;  // A / AAAA
};

// Parses the reply to buildDnsQuery(id, name, type). Throws DnsError when it is not that
// reply (id, question) or is malformed; a server error comes back as rcode.
DnsAnswer parseDnsAnswer(std::span<const std::uint8_t> message, std::uint16_t id,
                         std::string_view name, DnsType type);

// Lower-case, without the trailing dot: the form names are compared in.
std::string canonicalDnsName(std::string_view name);

}  // namespace portlens::target_policy
