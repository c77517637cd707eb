// `portlens port` as pure code: everything Portlens knows about one TCP port (IANA names,
// range category, whether the kernel may hand it out as a source port, top-ports rank) and
// its text and JSON renderings. No I/O: the caller supplies the ephemeral range it read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "registry/ephemeral_range.h"
#include "registry/port_registry.h"

namespace portlens::registry {

struct Explanation {
  std::uint16_t port = 0;
  std::string protocol = "tcp";
  std::string name;                // IANA's primary name; empty when IANA lists none
  std::vector<std::string> names;  // every IANA name, primary first
  std::string description;         // IANA description of the primary name
  PortRange range = PortRange::kWellKnown;
  std::optional<EphemeralRange> ephemeral_range;  // the machine's, when it could be read
  bool in_ephemeral_range = false;                // false when the range is unknown
  std::size_t rank = 0;                           // 1-based position in the ranking
  RankingSource ranking_source = RankingSource::kBuiltin;
};

Explanation explainPort(const PortRegistry& registry, std::uint16_t port,
                        const std::optional<EphemeralRange>& ephemeral);

// A few aligned lines ending in '\n', e.g.
//   80/tcp  http  — World Wide Web HTTP
//     aliases    www, www-http             (only when IANA lists more than one name)
//     range      well-known (0-1023)
//     ephemeral  no (local range 32768-60999)
//     rank       1 of 65536 (built-in ranking)
std::string renderText(const Explanation& explanation);

// Keys in this order (ordered_json, so output is stable and readable):
// {"port":443,"protocol":"tcp","name":"https","names":["https"],"description":...,
//  "range":"well-known","in_ephemeral_range":false,"ephemeral_range":{"first":..,"last":..},
//  "rank":2,"ranking":"builtin"}; name, description, in_ephemeral_range and ephemeral_range
// are null when unknown.
nlohmann::ordered_json toJson(const Explanation& explanation);

// A JSON array of toJson() objects, indented, ending in '\n' (one shape for one or many).
std::string renderJson(const std::vector<Explanation>& explanations);

}  // namespace portlens::registry
