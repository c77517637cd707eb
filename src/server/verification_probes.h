// The network half of target verification: a DNS query over UDP to the configured resolver,
// and the HTTP GET of the challenge file. Called by VerificationRoutes on an HTTP thread
// (blocking, bounded by the timeouts below). Both peers are hostile: the DNS reply must come
// from the resolver's address and port and is parsed by target_policy/dns_message (bounded,
// fuzzed); the HTTP answer is read up to kMaxHttpBytes within its deadline, redirects are
// never followed, and only a 200 whose body contains the token counts.
//
// The caller decides the addresses: it never passes one in a special range (the check refuses
// those before any packet goes out), so a name pointing at 127.0.0.1 or 10.x cannot turn the
// server into a proxy for internal services.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/ip_address.h"
#include "target_policy/dns_message.h"

namespace portlens::server {

struct DnsServer {
  core::IpAddress address;
  std::uint16_t port = 53;
};

// "198.18.0.53", "198.18.0.53:5353", "[2001:2::53]:53"; throws std::invalid_argument.
DnsServer parseDnsServer(const std::string& text);
// The first `nameserver` of /etc/resolv.conf, or 127.0.0.1 when there is none.
DnsServer systemDnsServer();

constexpr std::chrono::milliseconds kDnsTimeout{2000};  // per try; two tries
constexpr std::size_t kMaxHttpBytes = std::size_t{16} * 1024;
constexpr std::chrono::milliseconds kHttpTimeout{5000};  // connect + answer

// Throws target_policy::DnsError on a timeout, a network error or a malformed reply.
// `clock` times the deadlines (core::SystemClock in the server).
target_policy::DnsAnswer queryDns(core::Clock& clock, const DnsServer& server,
                                  const std::string& name, target_policy::DnsType type);

// The GET of http://HOST/PATH at `address` port `port`, with `Host: host`. Returns true when
// the answer is a 200 whose body contains `token`; otherwise false with `why` set.
bool fetchContains(core::Clock& clock, const core::IpAddress& address, std::uint16_t port,
                   const std::string& host, const std::string& path, const std::string& token,
                   std::string& why);

}  // namespace portlens::server
