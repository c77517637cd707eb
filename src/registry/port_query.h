// What the user typed to name a port: a number ("443") or an IANA service name ("https").
// Pure; `portlens port` calls it for each argument before printing anything, so one bad
// token fails the whole command with exit code 2.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "registry/port_registry.h"

namespace portlens::registry {

struct PortQuery {
  enum class Kind : std::uint8_t { kPort, kName };
  Kind kind = Kind::kPort;
  std::uint16_t port = 0;  // when kPort
  std::string name;        // when kName, as typed
};

// Throws core::UsageError with a one-line message quoting the token when it is neither a
// port number 0-65535 nor shaped like a service name (letters, digits and . _ + * / -,
// starting with a letter or digit, at most 64 characters; IANA's legacy names use them all).
PortQuery parsePortQuery(std::string_view token);

// The ports a query names: the number itself, or every TCP port IANA lists under the name
// (ascending; empty when the name is unknown).
std::vector<std::uint16_t> resolvePortQuery(const PortRegistry& registry, const PortQuery& query);

}  // namespace portlens::registry
