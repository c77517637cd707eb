// Fuzzes the store's ServiceInfo decoder (a results row's `service` column): any text is
// refused with null or accepted, never a crash or an exception; what it accepts encodes to a
// text that decodes to the same encoding (a fixed point), so a stored value never drifts.
#include <cstdlib>
#include <string>

#include "fuzz_common.h"
#include "store/service_codec.h"

using namespace portlens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto info = store::decodeService(fuzz::asText(data, size));
  if (!info) return 0;
  const std::string encoded = store::encodeService(*info);
  const auto again = store::decodeService(encoded);
  if (!again || store::encodeService(*again) != encoded) std::abort();
  return 0;
}
