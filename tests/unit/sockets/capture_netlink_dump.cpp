// Records the raw sock_diag reply of this namespace (every state, IPv4 then IPv6) into a
// fixture file for the parser tests: each recv() buffer as a 4-byte little-endian length
// followed by the bytes. Not a test; run by hand (see tests/data/sockets/README.md).
#include <cstdint>
#include <cstdio>
#include <fstream>

#include "sockets/sources/netlink_diag.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: capture_netlink_dump OUTPUT\n");
    return 2;
  }
  std::ofstream out(argv[1], std::ios::binary);
  const auto tap = [&out](std::span<const std::uint8_t> chunk) {
    const auto size = static_cast<std::uint32_t>(chunk.size());
    const char length[4] = {static_cast<char>(size), static_cast<char>(size >> 8),
                            static_cast<char>(size >> 16), static_cast<char>(size >> 24)};
    out.write(length, 4);
    out.write(reinterpret_cast<const char*>(chunk.data()),
              static_cast<std::streamsize>(chunk.size()));
  };
  const auto records = portlens::sockets::dumpNetlink(portlens::sockets::kAllStates, tap);
  std::fprintf(stderr, "captured %zu sockets\n", records.size());
  return out ? 0 : 1;
}
