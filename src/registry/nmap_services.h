// Reads the open frequencies in an nmap-services file, so users with nmap installed can rank
// ports by nmap's measurements. The file is NPSL-licensed: it is only ever read at run time
// from the user's nmap installation, never copied into this repository.
// Format, one service per line:  name<WS>port/proto<WS>frequency[<WS># comment]
// Pure functions; PortRegistry::loadNmapRanking() does the file I/O.
#pragma once

#include <cstdint>
#include <istream>
#include <vector>

namespace portlens::registry {

struct NmapFrequency {
  std::uint16_t port = 0;
  double frequency = 0.0;  // fraction of scanned hosts where nmap found the port open
};

// The TCP lines of an nmap-services stream, in file order. Comments, other protocols and
// malformed lines are skipped, never fatal: the file belongs to another project and may grow
// new forms. A port listed twice keeps its highest frequency.
std::vector<NmapFrequency> parseNmapServices(std::istream& in);

// All 65536 ports, best first: the listed ports by descending frequency (ties keep their
// order in `fallback`), then the unlisted ports in `fallback` order. Port 0 stays last.
// `fallback` must hold every port exactly once (the built-in ranking).
std::vector<std::uint16_t> rankByFrequency(const std::vector<NmapFrequency>& frequencies,
                                           const std::vector<std::uint16_t>& fallback);

}  // namespace portlens::registry
