// The parts of `portlens scan` that only SYN scans have: the /8 guard rail, --dry-run,
// the --resume file and -v statistics. The scan itself goes through scan/launcher.h like
// every other; scan_command.cpp calls these on the main thread.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "cli/scan_options.h"
#include "core/clock.h"
#include "core/port_set.h"
#include "core/target_set.h"
#include "net/unique_fd.h"
#include "scan/launcher.h"
#include "scan/syn/resume_file.h"

namespace portlens::cli {

// Refuses a scan of more than a /8 worth of hosts that has no exclude list.
void checkSynScanSize(const ScanOptions& options, const core::TargetSet& targets,
                      const core::PortSet& ports);

// Prints the probes of this shard's first round (position, target, ports, cookie) to `out`
// without opening a raw socket or sending anything.
void printDryRun(const scan::ScanRequest& request, const core::TargetSet& targets,
                 const core::PortSet& ports, core::Clock& clock, std::ostream& out);

// --resume FILE: opened (created) before privileges are dropped, since the scan may not be
// able to create it afterwards. An empty file means "start from the beginning"; a file from
// another scan is a usage error.
class SynResumeFile {
 public:
  SynResumeFile(const std::string& path, const scan::syn::ScanFingerprint& fingerprint);
  const scan::syn::ResumePoint* point() const { return point_ ? &*point_ : nullptr; }
  // Writes where an interrupted scan stopped, or empties the file when the scan finished.
  void finish(const scan::syn::SynResult& result, bool quiet);

 private:
  std::string path_;
  scan::syn::ScanFingerprint fingerprint_;
  net::UniqueFd fd_;
  std::optional<scan::syn::ResumePoint> point_;
};

// -v: rounds, probes, rates and duplicates on stderr.
void printSynStatistics(const scan::syn::SynResult& result);

}  // namespace portlens::cli
