#include "results/result_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "core/port_spec.h"
#include "core/screen_safe.h"
#include "results/result_builder.h"

namespace portlens::results {
namespace {

bool byPort(const scan::PortRecord& a, const scan::PortRecord& b) {
  return std::tie(a.ip, a.port) < std::tie(b.ip, b.port);
}

// Sorted by (ip, port), the last record of each pair kept: a later line corrects an earlier one.
void keepLastPerPort(std::vector<scan::PortRecord>& ports) {
  std::stable_sort(ports.begin(), ports.end(), byPort);
  std::vector<scan::PortRecord> unique;
  unique.reserve(ports.size());
  for (auto& record : ports) {
    if (!unique.empty() && !byPort(unique.back(), record)) {
      unique.back() = std::move(record);
    } else {
      unique.push_back(std::move(record));
    }
  }
  ports = std::move(unique);
}

}  // namespace

std::optional<scan::Reason> parseReason(std::string_view text) {
  for (unsigned i = 0; i <= static_cast<unsigned>(scan::Reason::kLocalError); ++i) {
    const auto reason = static_cast<scan::Reason>(i);
    if (scan::toString(reason) == text) return reason;
  }
  return std::nullopt;
}

scan::Reason defaultReason(scan::PortState state) {
  switch (state) {
    case scan::PortState::kOpen:
      return scan::Reason::kSynAck;
    case scan::PortState::kClosed:
      return scan::Reason::kConnRefused;
    case scan::PortState::kFiltered:
      break;
  }
  return scan::Reason::kNoResponse;
}

ResultBuilder::ResultBuilder(ResultFormat format, std::string_view source) : source_(source) {
  result_.format = format;
}

void ResultBuilder::fail(std::size_t line, std::string_view message) const {
  // One line whatever the input: messages quote file content.
  if (line == 0) throw ResultError(core::screenSafe(fmt::format("{}: {}", source_, message)));
  throw ResultError(core::screenSafe(fmt::format("{}: line {}: {}", source_, line, message)));
}

void ResultBuilder::setScannedPorts(std::string_view spec) {
  try {
    scanned_ =
        core::parsePortSpec(spec, [](std::string_view) { return std::vector<std::uint16_t>{}; });
  } catch (const core::UsageError&) {
    scanned_.reset();
  }
}

ResultBuilder::HostState& ResultBuilder::hostState(core::IpAddress ip) {
  auto [it, inserted] = hosts_.try_emplace(ip);
  if (inserted) {
    it->second.host.ip = ip;
    host_order_.push_back(ip);
  }
  return it->second;
}

void ResultBuilder::addPort(scan::PortRecord record) {
  if (result_.ports.size() >= kMaxExpandedRecords) {
    fail(0, fmt::format("more than {} port records", kMaxExpandedRecords));
  }
  HostState& host = hostState(record.ip);
  if (host.host.hostname.empty()) host.host.hostname = record.hostname;
  if (record.service && record.service->method == scan::ServiceMethod::kProbed) {
    result_.service_detection = true;
  }
  result_.ports.push_back(std::move(record));
}

void ResultBuilder::addHost(const scan::HostRecord& host) {
  HostState& state = hostState(host.ip);
  if (!host.hostname.empty()) state.host.hostname = host.hostname;
  state.host.counts = host.counts;
  state.has_counts = true;
}

void ResultBuilder::addUnlisted(core::IpAddress ip, scan::PortState state, scan::Reason reason) {
  hostState(ip).unlisted.emplace_back(state, reason);
}

// The one state every unlisted port of a host is in, when the file lets us know it.
std::optional<std::pair<scan::PortState, scan::Reason>> ResultBuilder::unlistedState(
    const HostState& host, const core::PortSet& listed,
    const scan::StateCounts& listed_counts) const {
  if (!host.unlisted.empty()) {
    for (const auto& group : host.unlisted) {
      if (group.first != host.unlisted.front().first) return std::nullopt;
    }
    return host.unlisted.front();
  }
  if (!host.has_counts) return std::nullopt;
  std::optional<scan::PortState> only;
  for (scan::PortState state : scan::kAllPortStates) {
    if (host.host.counts[state] <= listed_counts[state]) continue;
    if (only) return std::nullopt;
    only = state;
  }
  if (!only || scanned_->size() <= listed.size()) return std::nullopt;
  return std::make_pair(*only, defaultReason(*only));
}

void ResultBuilder::expand(ScanResult& result) {
  std::vector<scan::PortRecord> added;
  auto begin = result.ports.begin();
  for (const auto& entry : hosts_) {
    const core::IpAddress ip = entry.first;  // a plain variable: lambdas capture it (clang 14)
    const HostState& host = entry.second;
    auto end = std::find_if(begin, result.ports.end(), [&](const auto& r) { return r.ip != ip; });
    core::PortSet listed;
    scan::StateCounts listed_counts;
    for (auto it = begin; it != end; ++it) {
      listed.add(it->port);
      ++listed_counts[it->state];
    }
    const std::string hostname = host.host.hostname;
    begin = end;
    const auto state = unlistedState(host, listed, listed_counts);
    if (!state) continue;
    for (std::uint16_t port : scanned_->ports()) {
      if (listed.contains(port)) continue;
      if (result.ports.size() + added.size() >= kMaxExpandedRecords) {
        fail(0, fmt::format("more than {} port records once summarised ports are listed",
                            kMaxExpandedRecords));
      }
      scan::PortRecord record;
      record.ip = ip;
      record.port = port;
      record.state = state->first;
      record.reason = state->second;
      record.hostname = hostname;
      added.push_back(std::move(record));
    }
  }
  result.ports.insert(result.ports.end(), std::make_move_iterator(added.begin()),
                      std::make_move_iterator(added.end()));
}

ScanResult ResultBuilder::finish() {
  ScanResult result = std::move(result_);
  keepLastPerPort(result.ports);
  if (scanned_) {
    expand(result);
    std::sort(result.ports.begin(), result.ports.end(), byPort);
  }
  for (const core::IpAddress& ip : host_order_) result.hosts.push_back(hosts_.at(ip).host);
  return result;
}

ScanResult readScanResult(std::string_view text, std::string_view source) {
  if (text.size() > kMaxResultBytes) {
    throw ResultError(fmt::format("{}: larger than {} MiB", source, kMaxResultBytes >> 20));
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) throw ResultError(fmt::format("{}: empty", source));
  if (text[first] == '<') {
    ResultBuilder builder(ResultFormat::kXml, source);
    readXmlResult(text, builder);
    return builder.finish();
  }
  if (text[first] != '{') {
    throw ResultError(fmt::format("{}: not a scan result (NDJSON, JSON or nmap XML)", source));
  }
  // One JSON document with "hosts" is the json format; anything else is read line by line
  // (a second line makes the whole-text parse fail at once).
  const nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
  if (!document.is_discarded() && document.is_object() && document.contains("hosts")) {
    ResultBuilder json_builder(ResultFormat::kJson, source);
    readJsonResult(document, json_builder);
    return json_builder.finish();
  }
  ResultBuilder builder(ResultFormat::kNdjson, source);
  readNdjsonResult(text, builder);
  return builder.finish();
}

ScanResult mergeResults(std::vector<ScanResult> results) {
  if (results.empty()) return {};
  ScanResult merged;
  merged.format = results.front().format;
  for (ScanResult& result : results) {
    merged.service_detection = merged.service_detection || result.service_detection;
    merged.hosts.insert(merged.hosts.end(), result.hosts.begin(), result.hosts.end());
    merged.ports.insert(merged.ports.end(), std::make_move_iterator(result.ports.begin()),
                        std::make_move_iterator(result.ports.end()));
  }
  keepLastPerPort(merged.ports);
  return merged;
}

}  // namespace portlens::results
