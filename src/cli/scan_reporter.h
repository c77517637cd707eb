// Connects the engine to an output format: forwards port records whose state the user asked
// to see, every host and the summary, and draws the progress line on stderr when asked to.
#pragma once

#include <cstdio>
#include <set>

#include "output/formatter.h"
#include "scan/scan_config.h"

namespace portlens::cli {

class ScanReporter final : public scan::ScanObserver {
 public:
  ScanReporter(output::Formatter& formatter, std::set<scan::PortState> shown_states,
               bool show_progress);

  void onPort(const scan::PortRecord& record) override;
  void onHost(const scan::HostRecord& record) override;
  void onProgress(const scan::ScanProgress& progress) override;
  // Erases the progress line, if one was drawn.
  void clearProgress();

 private:
  output::Formatter& formatter_;
  std::set<scan::PortState> shown_states_;
  bool show_progress_;
  bool progress_drawn_ = false;
};

}  // namespace portlens::cli
