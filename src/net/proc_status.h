// Reading a process's credentials from the text of /proc/PID/status: the Uid:/Gid: lines and
// the five capability masks (CapInh, CapPrm, CapEff, CapBnd, CapAmb: 64 bits each, hex).
// serve uses it to learn whether a non-root start was given CAP_NET_RAW (systemd's
// AmbientCapabilities); the tests use it to check what serve and its SYN runner hold.
// Pure: parsing only; readOwnStatus() is the one function that reads a file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portlens::net {

// Capability numbers from linux/capability.h, as bits of the masks below.
inline constexpr int kCapNetRawBit = 13;
inline constexpr std::uint64_t kCapNetRawMask = std::uint64_t{1} << kCapNetRawBit;

struct ProcCredentials {
  std::uint32_t real_uid = 0;
  std::uint32_t effective_uid = 0;
  std::uint32_t real_gid = 0;
  std::uint32_t effective_gid = 0;
  std::uint64_t inheritable = 0;
  std::uint64_t permitted = 0;
  std::uint64_t effective = 0;
  std::uint64_t bounding = 0;
  std::uint64_t ambient = 0;
};

// nullopt when a line is missing or malformed (a Uid: or Cap* line is always present since
// Linux 4.3, so its absence means this is not a status file).
std::optional<ProcCredentials> parseProcStatus(std::string_view text);

// /proc/self/status, parsed; nullopt when /proc is not mounted.
std::optional<ProcCredentials> readOwnStatus();

}  // namespace portlens::net
