// Fuzzes parsePortSpec with a fake service lookup, then checks the set's derived views agree.
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "core/port_spec.h"
#include "fuzz_common.h"

using namespace portlens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = fuzz::asText(data, size);
  core::ServiceLookup lookup = [](std::string_view name) -> std::vector<std::uint16_t> {
    if (name == "http" || name == "HTTP") return {80, 8008};
    if (name == "ssh") return {22};
    if (name.size() == 3) return {static_cast<std::uint16_t>(name[0] * 257 + name[2])};
    return {};
  };
  try {
    auto ports = core::parsePortSpec(text, lookup);
    if (ports.empty()) std::abort();  // an accepted spec always names a port
    const auto& list = ports.ports();
    if (list.size() != ports.size()) std::abort();
    for (std::size_t i = 1; i < list.size(); ++i) {
      if (list[i - 1] >= list[i]) std::abort();
    }
    // The compact text is itself a valid spec for the same set (0 is always explicit).
    auto again = core::parsePortSpec(ports.toString(), nullptr);
    if (again.ports() != list) std::abort();
  } catch (const core::UsageError&) {
  }
  return 0;
}
