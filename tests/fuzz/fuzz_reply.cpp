// Fuzzes the SYN scanner's reply parser: any bytes from the network must parse or be refused
// without reading out of bounds, and what parses must be self-consistent.
#include <cstdlib>

#include "fuzz_common.h"
#include "net/reply_parser.h"

using namespace portlens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto reply = net::parseReply({data, size});
  if (!reply) return 0;
  if (reply->remote.family() != reply->local.family()) std::abort();
  if (reply->kind == net::ReplyKind::kIcmpError && size < 14 + 20 + 8 + 20 + 8) std::abort();
  return 0;
}
