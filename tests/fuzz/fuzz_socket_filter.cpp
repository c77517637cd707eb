// Fuzzes the socket filter parser: any input is either refused with core::UsageError or gives
// a filter whose canonical text parses to the same filter, and whose kernel state mask never
// excludes a state in which it matches a record.
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "fuzz_common.h"
#include "sockets/filter.h"

using namespace portlens;

namespace {

sockets::SocketRecord sample(unsigned state, std::uint16_t port) {
  sockets::SocketRecord r;
  r.state = static_cast<sockets::TcpState>(state);
  r.local = core::IpAddress::fromV4(0x7f000001u);
  r.peer = core::IpAddress::fromV4(0xc6120007u);
  r.local_port = port;
  r.peer_port = static_cast<std::uint16_t>(port * 7 + 1);
  r.uid = port % 3;
  r.processes.push_back({static_cast<std::int32_t>(port), 3, "nginx", "nginx -g x"});
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::asText(data, size);
  const sockets::PortLookup lookup = [](std::string_view name) -> std::optional<std::uint16_t> {
    if (name == "https") return 443;
    return std::nullopt;
  };
  try {
    const sockets::Filter filter = sockets::parseFilter(text, lookup);
    const std::string canonical = filter.toString();
    const sockets::Filter again = sockets::parseFilter(canonical, lookup);
    if (again.toString() != canonical) std::abort();
    const sockets::StateMask possible = filter.possibleStates(sockets::kAllStates);
    for (unsigned state = 1; state <= 12; ++state) {
      for (std::uint16_t port : {0, 22, 443, 1024, 65535}) {
        const auto r = sample(state, port);
        const bool matched = filter.matches(r);
        if (matched != again.matches(r)) std::abort();
        if (matched && !(possible & sockets::stateBit(r.state))) std::abort();
      }
    }
  } catch (const core::UsageError&) {
  }
  return 0;
}
