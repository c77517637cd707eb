// Fixture access for the sockets tests: files recorded once in a private network namespace
// holding tests/integration/sockets_helper.py's sockets (tests/data/sockets/README.md).
#pragma once

#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sockets/socket_format.h"
#include "sockets/socket_record.h"

namespace portlens::sockets::testing {

inline std::string readFixture(const std::string& name) {
  std::ifstream in(std::string(PORTLENS_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// netlink_dump.bin: each recv() buffer as a little-endian u32 length, then the bytes.
inline std::vector<std::vector<std::uint8_t>> netlinkChunks() {
  const std::string raw = readFixture("netlink_dump.bin");
  std::vector<std::vector<std::uint8_t>> chunks;
  std::size_t offset = 0;
  while (offset + 4 <= raw.size()) {
    std::uint32_t size = 0;
    for (int i = 3; i >= 0; --i) size = (size << 8) | static_cast<std::uint8_t>(raw[offset + i]);
    offset += 4;
    chunks.emplace_back(raw.begin() + static_cast<std::ptrdiff_t>(offset),
                        raw.begin() + static_cast<std::ptrdiff_t>(offset + size));
    offset += size;
  }
  return chunks;
}

// "ESTAB 127.0.0.1:8080 127.0.0.1:34298", the listener's peer port as 0 (ss prints '*').
inline std::string tupleText(const SocketRecord& r) {
  const std::string_view state =
      r.state == TcpState::kNewSynRecv ? "SYN-RECV" : toColumnString(r.state);
  return std::string(state) + " " + endpointText(r.local, r.local_port) + " " +
         endpointText(r.peer, r.peer_port);
}

inline std::set<std::string> tupleSet(const std::vector<SocketRecord>& records) {
  std::set<std::string> set;
  for (const auto& r : records) set.insert(tupleText(r));
  return set;
}

// The same tuples from ss_tan.txt (`ss -tan` of the same namespace at capture time).
inline std::set<std::string> ssTupleSet() {
  std::istringstream in(readFixture("ss_tan.txt"));
  std::string line;
  std::getline(in, line);  // header
  std::set<std::string> set;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string state, recv_q, send_q, local, peer;
    if (!(fields >> state >> recv_q >> send_q >> local >> peer)) continue;
    if (peer.size() > 2 && peer.substr(peer.size() - 2) == ":*")
      peer.replace(peer.size() - 1, 1, "0");
    set.insert(state + " " + local + " " + peer);
  }
  return set;
}

}  // namespace portlens::sockets::testing
