// Rewrites one target token into the single spelling the scan parser and the policy both
// read, so what is checked is exactly what is scanned. Pure.
//   2130706433, 0x7f000001, 0177.0.0.1, 127.1   -> 127.0.0.1   (inet_aton's grammar, which
//       browsers, curl and getaddrinfo accept; the strict core parser would refuse or misread
//       them, e.g. read 0177 as decimal 177)
//   [::ffff:127.0.0.1], ::ffff:7f00:1           -> 127.0.0.1   (IPv4-mapped IPv6 is IPv4)
//   a /prefix is kept (mapped prefixes >= 96 become IPv4 prefixes)
//   octet ranges with a leading zero (010.0.0.1-5) are refused as ambiguous
//   anything else (hostnames, plain addresses, CIDRs) is returned unchanged
// Throws PolicyError (kInvalidTarget) for a numeric spelling that is out of range.
#pragma once

#include <string>
#include <string_view>

namespace portlens::target_policy {

std::string normalizeTargetToken(std::string_view token);

}  // namespace portlens::target_policy
