// The difference between two scans, port by port. Pure. Only (ip, port) pairs both scans
// probed are compared, so a scan of fewer ports does not make the rest look "closed".
//   opened:  open in `after`, not open in `before`
//   closed:  open in `before`, not open in `after`
//   changed: both not open, but the state differs (e.g. filtered -> closed)
#pragma once

#include <vector>

#include "scan/records.h"

namespace portlens::server {

struct PortChange {
  scan::PortRecord before;
  scan::PortRecord after;
};

struct ScanDiff {
  std::vector<PortChange> opened;
  std::vector<PortChange> closed;
  std::vector<PortChange> changed;
  std::uint64_t compared = 0;  // (ip, port) pairs present in both
};

// Inputs in any order; outputs sorted by (ip, port).
ScanDiff diffScans(std::vector<scan::PortRecord> before, std::vector<scan::PortRecord> after);

}  // namespace portlens::server
