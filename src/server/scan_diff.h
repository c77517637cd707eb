// The difference between two scans, port by port. Pure. Only (ip, port) pairs both scans
// probed are compared, so a scan of fewer ports does not make the rest look "closed".
//   opened:  open in `after`, not open in `before`
//   closed:  open in `before`, not open in `after`
//   changed: both not open, but the state differs (e.g. filtered -> closed); or open in both
//            and service detection named it in both, but the service name, product, version
//            or TLS tunnel differs (nginx 1.22.1 -> 1.24.0). A port detected in one scan only
//            is not a change: a scan with -sV after one without would flag every open port.
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
