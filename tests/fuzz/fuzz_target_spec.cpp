// Fuzzes the target parser. An input starting with '@' is a target list (addTargetList, the
// --exclude syntax) of the rest; anything else is one token (addTargetSpec). The resulting set
// is then checked for self-consistency, and subtracting is checked against contains().
#include <cstdlib>

#include "core/error.h"
#include "core/target_set.h"
#include "core/target_spec.h"
#include "fuzz_common.h"

using namespace portlens;

namespace {

void check(const core::TargetSet& set) {
  std::uint64_t size = set.size();
  if (size == 0) return;
  auto first = set.at(0);
  if (!set.contains(first)) std::abort();
  if (size == UINT64_MAX) return;  // saturated: the last index is not known
  auto last = set.at(size - 1);
  if (!set.contains(last) || last < first) std::abort();
  if (size > 1 && !(first < set.at(size / 2) && set.at(size / 2) <= last)) std::abort();
}

// Subtracting 198.18.0.0/24 and 2001:2::/120 (both families, where the fake resolver's
// addresses live) removes exactly the members of those blocks.
void checkSubtract(const core::TargetSet& set) {
  if (set.v4().intervals().size() + set.v6().intervals().size() > 4096) return;  // keep it fast
  core::TargetSet cut;
  auto v4 = core::IpAddress::fromV4(0xc6120000u);
  auto v6 = core::IpAddress::fromV6(core::Uint128{0x20010002ULL} << 96);
  cut.add(v4, core::IpAddress::fromV4(v4.v4() + 255));
  cut.add(v6, core::IpAddress::fromV6(v6.v6() + 255));
  std::uint64_t inside = 0;
  for (std::uint32_t i = 0; i < 256; ++i) {
    inside += set.contains(core::IpAddress::fromV4(v4.v4() + i));
    inside += set.contains(core::IpAddress::fromV6(v6.v6() + i));
  }
  core::TargetSet rest = set;
  rest.subtract(cut);
  if (set.size() < UINT64_MAX && rest.size() != set.size() - inside) std::abort();
  check(rest);
  rest.subtract(rest);
  if (!rest.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = fuzz::asText(data, size);
  auto resolver = fuzz::fakeResolver();
  core::TargetSet set;
  try {
    if (!text.empty() && text.front() == '@') {
      core::addTargetList(set, text.substr(1), resolver);
    } else {
      core::addTargetSpec(set, text, resolver);
    }
    if (set.empty()) std::abort();  // whatever is accepted names at least one address
  } catch (const core::UsageError&) {
  }
  check(set);
  checkSubtract(set);
  return 0;
}
