// Fuzzes the --resume file decoder: damaged or hostile files are refused with a message, never
// a crash, and whatever is accepted re-encodes to the same bytes.
#include <cstdlib>
#include <string>

#include "fuzz_common.h"
#include "scan/syn/resume_file.h"

using namespace portlens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  core::TargetSet targets;
  targets.add(core::IpAddress::fromV4(0xc6130000), core::IpAddress::fromV4(0xc61300ff));
  const auto fingerprint =
      scan::syn::fingerprintOf(1, scan::Shard{1, 1}, targets, core::PortSet::range(1, 100));
  std::string error;
  const auto point = scan::syn::decodeResume(bytes, fingerprint, error);
  if (!point) {
    if (error.empty()) std::abort();
    return 0;
  }
  if (scan::syn::encodeResume(fingerprint, *point) != bytes) std::abort();
  return 0;
}
