// Fuzzes the sock_diag reply parser: any bytes give a status and records, never a read out of
// bounds (ASan) or a crash.
#include <cstdlib>
#include <span>
#include <vector>

#include "sockets/sources/netlink_diag_parser.h"

using namespace portlens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<sockets::SocketRecord> records;
  const auto result = sockets::parseDumpChunk(std::span(data, size), records);
  if (result.status == sockets::ChunkResult::Status::kError && result.error < 0) std::abort();
  for (const auto& r : records) {
    if (static_cast<unsigned>(r.state) < 1 || static_cast<unsigned>(r.state) > 12) std::abort();
  }
  return 0;
}
