// Fuzzes the result file readers (results/: NDJSON, JSON, nmap XML): any bytes either read or
// throw a ResultError; what is read is sorted by (ip, port), one record per pair, and within
// the record bound.
#include <cstdlib>
#include <string>
#include <tuple>

#include "fuzz_common.h"
#include "results/result_reader.h"

using namespace portlens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const results::ScanResult result = results::readScanResult(fuzz::asText(data, size), "fuzz");
    if (result.ports.size() > results::kMaxExpandedRecords) std::abort();
    for (std::size_t i = 1; i < result.ports.size(); ++i) {
      const auto& a = result.ports[i - 1];
      const auto& b = result.ports[i];
      if (!(std::tie(a.ip, a.port) < std::tie(b.ip, b.port))) std::abort();
    }
  } catch (const results::ResultError&) {
  }
  return 0;
}
