// Shared helpers for the fuzz targets. Each target treats core::UsageError as the expected
// way to refuse bad input; any other exception escapes and aborts (libFuzzer reports it as a
// crash, the replay runner as a test failure).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "core/target_spec.h"

namespace portlens::fuzz {

inline std::string_view asText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Returns a fixed address for anything that looks like a hostname (and sometimes two, or a
// v6 one, so prefixes and both families are exercised); nothing for the rest.
inline core::HostResolver fakeResolver() {
  return [](const std::string& name) -> std::vector<core::IpAddress> {
    if (name.empty() || name.size() > 253) return {};
    for (unsigned char c : name) {
      if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
          c != '-' && c != '.' && c != '_') {
        return {};
      }
    }
    if (name.rfind("nx", 0) == 0) return {};  // "nx..." does not resolve
    std::vector<core::IpAddress> out{core::IpAddress::fromV4(0xc6120007u)};  // 198.18.0.7
    if (name.size() % 2 == 0) {
      out.push_back(core::IpAddress::fromV6((core::Uint128{0x20010002ULL} << 96) | 7));
    }
    return out;
  };
}

}  // namespace portlens::fuzz
