#include "output/text_formatter.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "output/display_text.h"
#include "output/host_view.h"
#include "output/service_view.h"
#include "output/time_format.h"

namespace portlens::output {

namespace {

// "Not shown: 888 filtered tcp ports (no-response), 109 closed tcp ports (conn-refused)"
std::string notShownLine(const std::vector<CollapsedState>& collapsed) {
  std::string line = "Not shown: ";
  for (std::size_t i = 0; i < collapsed.size(); ++i) {
    const CollapsedState& entry = collapsed[i];
    if (i > 0) line += ", ";
    line += fmt::format("{} {} tcp {} ({})", entry.count, scan::toString(entry.state),
                        entry.count == 1 ? "port" : "ports", scan::toString(entry.reason));
  }
  return line;
}

// nmap's wording when every port of a host is summarised.
std::string allIgnoredLine(const scan::HostRecord& host) {
  const std::uint64_t total = host.counts.total();
  const std::string name = nameAndAddress(host.hostname, host.ip);
  if (total == 0) return fmt::format("0 ports scanned on {}", name);
  if (total == 1) return fmt::format("The 1 scanned port on {} is in ignored states.", name);
  return fmt::format("All {} scanned ports on {} are in ignored states.", total, name);
}

std::string hostUpLine(const HostView& view) {
  if (!view.rtt) return "Host is up.";
  const double seconds = static_cast<double>(view.rtt->srtt.count()) / 1e9;
  return fmt::format("Host is up ({}s latency).", significantDigits(seconds, 2));
}

}  // namespace

TextFormatter::TextFormatter(std::ostream& out, const registry::PortRegistry& registry,
                             FormatOptions options)
    : out_(out), registry_(registry), options_(std::move(options)) {}

void TextFormatter::begin(const scan::ScanInfo& info) {
  out_ << fmt::format("Starting Portlens {} at {}\n", screenSafe(info.version),
                      minuteStampUtc(info.started));
  out_.flush();
}

void TextFormatter::port(const scan::PortRecord& record) { pending_.add(record); }

void TextFormatter::host(const scan::HostRecord& record) {
  writeHost(record, pending_.take(record.ip), true);
}

void TextFormatter::end(const scan::ScanSummary& summary) {
  for (auto& unfinished : pending_.takeUnfinished(summary.finished)) {
    writeHost(unfinished.host, std::move(unfinished.ports), false);
  }
  out_ << "Portlens done: " << scanDoneSummary(summary)
       << (summary.interrupted ? " (interrupted)" : "") << '\n';
  out_.flush();
}

void TextFormatter::writeHost(const scan::HostRecord& host, std::vector<scan::PortRecord> ports,
                              bool finished) {
  const HostView view = buildHostView(host, std::move(ports), options_);
  out_ << "Portlens scan report for " << nameAndAddress(host.hostname, host.ip) << '\n';
  if (!finished) out_ << "Scan interrupted before this host finished; ports found so far:\n";
  out_ << hostUpLine(view) << '\n';
  if (view.listed.empty()) {
    out_ << allIgnoredLine(host) << '\n';
    if (!view.collapsed.empty()) out_ << notShownLine(view.collapsed) << '\n';
  } else {
    // nmap leaves the line empty when nothing is summarised.
    out_ << (view.collapsed.empty() ? "" : notShownLine(view.collapsed)) << '\n';
    writePortTable(view.listed);
  }
  out_ << '\n';
  out_.flush();
}

void TextFormatter::writePortTable(const std::vector<scan::PortRecord>& ports) {
  // nmap's columns; VERSION only when detection named at least one listed port.
  using Row = std::array<std::string, 5>;
  std::vector<Row> rows;
  rows.reserve(ports.size() + 1);
  rows.push_back({"PORT", "STATE", "SERVICE", "REASON", "VERSION"});
  bool any_version = false;
  for (const auto& record : ports) {
    const ServiceView service = serviceView(record, registry_);
    any_version = any_version || service.detected != nullptr;
    rows.push_back({fmt::format("{}/tcp", record.port), std::string(scan::toString(record.state)),
                    screenSafe(displayServiceName(service)),
                    std::string(scan::toString(record.reason)), screenSafe(service.version_text)});
  }
  const std::size_t columns = any_version ? 5 : 4;
  std::array<std::size_t, 5> widths{};
  for (const Row& row : rows) {
    for (std::size_t c = 0; c < columns; ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  // Columns are separated by one space; the last one is not padded (no trailing blanks).
  std::string line;
  for (const Row& row : rows) {
    line.clear();
    for (std::size_t c = 0; c + 1 < columns; ++c) {
      line += row[c];
      line.append(widths[c] - row[c].size() + 1, ' ');
    }
    line += row[columns - 1];
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out_ << line << '\n';
  }
}

}  // namespace portlens::output
