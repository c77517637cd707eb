// Reads scan result files back into port records: Portlens' NDJSON and JSON, and nmap XML
// (Portlens' own and nmap's), the format detected from the content. Used by `portlens diff`
// and `portlens policy init --from`. Pure: the caller reads the file. A result file may come
// from anyone, so the readers are bounded (kMaxResultBytes of text, kMaxExpandedRecords records
// after expansion, no XML entities or DTD processing) and fuzzed (tests/fuzz/fuzz_results.cpp).
//
// Formats list only the ports they show (open, filtered...) and summarise the rest (XML's
// <extraports>, the host's "counts" in JSON and NDJSON). When a host's unlisted ports are all
// in one state and the scanned ports are known (scaninfo's services, the scan's "ports"),
// they are expanded into records of that state, so a diff sees "open -> closed" rather than
// "open -> unknown". Otherwise unlisted ports are left out (a diff then compares only what
// both files list).
// Errors throw ResultError (a core::UsageError: the CLI exits 2), one line naming the source:
// "a.xml: line 12: <port> without portid".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "scan/records.h"

namespace portlens::results {

inline constexpr std::size_t kMaxResultBytes = std::size_t{512} << 20;
inline constexpr std::size_t kMaxExpandedRecords = std::size_t{1} << 24;

class ResultError : public core::UsageError {
 public:
  using core::UsageError::UsageError;
};

enum class ResultFormat : std::uint8_t { kNdjson, kJson, kXml };

struct ScanResult {
  ResultFormat format = ResultFormat::kNdjson;
  std::vector<scan::PortRecord> ports;  // sorted by (ip, port), one per (ip, port)
  std::vector<scan::HostRecord> hosts;  // in file order (ip, hostname, counts when given)
  bool service_detection = false;       // the file says -sV ran (some port has a probed service)
};

// `source` names the input in error messages (the file name).
ScanResult readScanResult(std::string_view text, std::string_view source);

// Several results as one (`policy init --from a.xml --from b.ndjson`): records of the same
// (ip, port) keep the last file's.
ScanResult mergeResults(std::vector<ScanResult> results);

}  // namespace portlens::results
