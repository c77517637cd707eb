#include "output/csv_formatter.h"

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "core/csv_field.h"

namespace portlens::output {

namespace {

using core::csvField;

std::string rttField(std::chrono::nanoseconds rtt) {
  if (rtt < std::chrono::nanoseconds::zero()) return "";
  return fmt::format("{:.3f}", static_cast<double>(rtt.count()) / 1e6);
}

}  // namespace

CsvFormatter::CsvFormatter(std::ostream& out, const registry::PortRegistry& registry)
    : out_(out), registry_(registry) {}

void CsvFormatter::begin(const scan::ScanInfo& /*info*/) {
  out_ << "ip,hostname,port,proto,state,reason,rtt_ms,service\n";
  out_.flush();
}

void CsvFormatter::port(const scan::PortRecord& record) {
  out_ << fmt::format("{},{},{},tcp,{},{},{},{}\n", record.ip.toString(), csvField(record.hostname),
                      record.port, scan::toString(record.state), scan::toString(record.reason),
                      rttField(record.rtt), csvField(registry_.serviceName(record.port)));
}

// Host and summary records have no row of their own in a per-port table.
void CsvFormatter::host(const scan::HostRecord& /*record*/) {}

void CsvFormatter::end(const scan::ScanSummary& /*summary*/) { out_.flush(); }

}  // namespace portlens::output
