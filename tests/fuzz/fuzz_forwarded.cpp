// Fuzzes the proxy header parsers and the client resolver (target_policy/forwarded): whatever a
// peer sends as Forwarded or X-Forwarded-For, parsing ends, and the resolved client is the peer
// itself unless the peer is trusted, and otherwise either the peer or an address that appears
// in the headers. The input is split at the first NUL: Forwarded before it, X-Forwarded-For
// after.
#include <cstdlib>
#include <string>

#include "fuzz_common.h"
#include "target_policy/forwarded.h"

using namespace portlens;

namespace {

bool named(const std::optional<std::vector<target_policy::ForwardedHop>>& hops,
           const core::IpAddress& address) {
  if (!hops) return false;
  for (const auto& hop : *hops) {
    if (hop && *hop == address) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(fuzz::asText(data, size));
  const auto split = text.find('\0');
  const std::string_view forwarded = std::string_view(text).substr(0, split);
  const std::string_view xff =
      split == std::string::npos ? std::string_view() : std::string_view(text).substr(split + 1);
  const target_policy::ProxyHeaders headers{{forwarded}, {xff}};
  const auto trusted = target_policy::parseCidrList("127.0.0.0/8 198.18.1.0/24 ::1");
  const auto proxy = *core::IpAddress::parse("127.0.0.1");
  const auto stranger = *core::IpAddress::parse("203.0.113.5");
  if (target_policy::resolveClientAddress(stranger, headers, trusted) != stranger) std::abort();
  const auto client = target_policy::resolveClientAddress(proxy, headers, trusted);
  if (client != proxy && !named(target_policy::parseForwarded({forwarded}), client) &&
      !named(target_policy::parseXForwardedFor({xff}), client)) {
    std::abort();
  }
  return 0;
}
