#include "scan_fixture.h"

#include <stdexcept>

namespace portlens::output::testing {

using namespace std::chrono_literals;
using scan::PortState;
using scan::Reason;

std::chrono::system_clock::time_point fixedStart() {
  using namespace std::chrono;
  return sys_days{year{2026} / January / 2} + 3h + 4min + 5s;
}

namespace {

core::IpAddress address(std::string_view text) {
  auto ip = core::IpAddress::parse(text);
  if (!ip) throw std::invalid_argument("bad test address");
  return *ip;
}

}  // namespace

scan::PortRecord portRecord(std::string_view ip, std::uint16_t port, PortState state, Reason reason,
                            std::chrono::nanoseconds rtt, std::string hostname) {
  scan::PortRecord record;
  record.ip = address(ip);
  record.port = port;
  record.state = state;
  record.reason = reason;
  record.rtt = rtt;
  record.hostname = std::move(hostname);
  return record;
}

scan::HostRecord hostRecord(std::string_view ip, std::string hostname, scan::StateCounts counts) {
  scan::HostRecord host;
  host.ip = address(ip);
  host.hostname = std::move(hostname);
  host.counts = counts;
  host.started = fixedStart();
  host.finished = fixedStart() + 1s;
  return host;
}

scan::ScanInfo scanInfo() {
  scan::ScanInfo info;
  info.command_line = "portlens scan -p 22,80,443,1000-1099 198.18.0.7 '<script>&\"' 2001:db8::1";
  info.version = "0.1.0";
  info.type = scan::ScanType::kConnect;
  info.ports_spec = "22,80,443,1000-1099";
  info.port_count = 103;
  info.host_count = 4;
  info.started = fixedStart();
  return info;
}

scan::ScanSummary interruptedSummary() {
  scan::ScanSummary summary;
  summary.totals = {.open = 4, .closed = 203, .filtered = 103};
  summary.hosts_completed = 3;
  summary.probes_sent = 420;
  summary.elapsed_seconds = 1.5;
  summary.interrupted = true;
  summary.finished = fixedStart() + 2s;
  return summary;
}

void feed(Formatter& formatter, const scan::ScanInfo& info, const std::vector<Event>& events,
          const scan::ScanSummary& summary) {
  formatter.begin(info);
  for (const Event& event : events) {
    if (const auto* port = std::get_if<scan::PortRecord>(&event)) {
      formatter.port(*port);
    } else {
      formatter.host(std::get<scan::HostRecord>(event));
    }
  }
  formatter.end(summary);
}

std::vector<Event> standardEvents() {
  const std::string nasty(kNastyName);
  std::vector<Event> events;
  events.emplace_back(portRecord("198.18.0.7", 22, PortState::kOpen, Reason::kSynAck, 110us));
  events.emplace_back(portRecord("2001:db8::1", 22, PortState::kOpen, Reason::kSynAck, 2ms));
  events.emplace_back(
      portRecord("203.0.113.5", 80, PortState::kOpen, Reason::kSynAck, 1234567ns, nasty));
  events.emplace_back(
      portRecord("198.18.0.7", 443, PortState::kFiltered, Reason::kNoResponse, scan::kNoRtt));
  for (std::uint16_t port : {80, 443}) {
    events.emplace_back(
        portRecord("2001:db8::1", port, PortState::kFiltered, Reason::kNoResponse, scan::kNoRtt));
  }
  for (std::uint16_t port = 1000; port < 1100; ++port) {
    events.emplace_back(
        portRecord("2001:db8::1", port, PortState::kFiltered, Reason::kNoResponse, scan::kNoRtt));
  }
  events.emplace_back(hostRecord("198.18.0.7", "", {.open = 1, .closed = 101, .filtered = 1}));
  events.emplace_back(hostRecord("203.0.113.5", nasty, {.open = 1, .closed = 102, .filtered = 0}));
  events.emplace_back(portRecord("198.18.0.9", 8080, PortState::kOpen, Reason::kSynAck, 300us));
  events.emplace_back(hostRecord("2001:db8::1", "", {.open = 1, .closed = 0, .filtered = 102}));
  return events;
}

const registry::PortRegistry& testRegistry() {
  static const registry::PortRegistry registry = registry::PortRegistry::builtin();
  return registry;
}

std::string render(Format format, const FormatOptions& options) {
  std::ostringstream out;
  auto formatter = makeFormatter(format, out, testRegistry(), options);
  feed(*formatter, scanInfo(), standardEvents(), interruptedSummary());
  return out.str();
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace portlens::output::testing
