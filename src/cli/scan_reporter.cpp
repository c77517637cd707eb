#include "cli/scan_reporter.h"

#include <fmt/core.h>

#include <cmath>

namespace portlens::cli {

ScanReporter::ScanReporter(output::Formatter& formatter, std::set<scan::PortState> shown_states,
                           bool show_progress)
    : formatter_(formatter),
      shown_states_(std::move(shown_states)),
      show_progress_(show_progress) {}

void ScanReporter::onPort(const scan::PortRecord& record) {
  if (shown_states_.contains(record.state)) formatter_.port(record);
}

void ScanReporter::onHost(const scan::HostRecord& record) { formatter_.host(record); }

void ScanReporter::onProgress(const scan::ScanProgress& p) {
  formatter_.flush();  // live readers (tail -f, a pipe) see records within a second
  if (!show_progress_) return;
  double percent = p.ports_total == 0 ? 100.0
                                      : 100.0 * static_cast<double>(p.ports_done) /
                                            static_cast<double>(p.ports_total);
  std::string eta = "--:--";
  if (p.eta_seconds >= 0) {
    const long long s = std::llround(p.eta_seconds);
    eta = fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  }
  fmt::print(stderr, "\r\033[K{:5.1f}%  {:>9.0f} probes/s  {} open  ETA {}", percent,
             p.probes_per_second, p.open_found, eta);
  std::fflush(stderr);
  progress_drawn_ = true;
}

void ScanReporter::clearProgress() {
  if (progress_drawn_) fmt::print(stderr, "\r\033[K");
  progress_drawn_ = false;
}

}  // namespace portlens::cli
