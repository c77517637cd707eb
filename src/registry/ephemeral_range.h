// The local (ephemeral) port range the kernel picks source ports from, and a parser for its
// /proc/sys/net/ipv4/ip_local_port_range text ("32768\t60999\n"). Pure: the caller reads the
// file (cli/ does), so this is testable without /proc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace portlens::registry {

struct EphemeralRange {
  std::uint16_t first = 0;
  std::uint16_t last = 0;

  bool contains(std::uint16_t port) const { return first <= port && port <= last; }
  friend bool operator==(const EphemeralRange&, const EphemeralRange&) = default;
};

// Two unsigned integers separated by whitespace, each 1-65535, first <= last, optionally
// surrounded by whitespace. Returns the range, or a one-line message saying what is wrong.
std::variant<EphemeralRange, std::string> parseEphemeralRange(std::string_view text);

}  // namespace portlens::registry
