#include "output/csv_formatter.h"

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "core/csv_field.h"
#include "output/service_view.h"

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

// With -sV, nmap's service fields follow as columns (CPEs joined by spaces, the banner
// byte-escaped), so a spreadsheet gets one row per port either way.
void CsvFormatter::begin(const scan::ScanInfo& info) {
  service_columns_ = info.service_detection;
  out_ << "ip,hostname,port,proto,state,reason,rtt_ms,service";
  if (service_columns_) out_ << ",tunnel,product,version,extrainfo,ostype,method,conf,cpe,banner";
  out_ << '\n';
  out_.flush();
}

void CsvFormatter::port(const scan::PortRecord& record) {
  const ServiceView service = serviceView(record, registry_);
  out_ << fmt::format("{},{},{},tcp,{},{},{},{}", record.ip.toString(), csvField(record.hostname),
                      record.port, scan::toString(record.state), scan::toString(record.reason),
                      rttField(record.rtt), csvField(service.name));
  if (service_columns_) {
    const scan::ServiceInfo empty;
    const scan::ServiceInfo& info = service.detected ? *service.detected : empty;
    std::string cpes;
    for (const auto& cpe : info.cpe) cpes += (cpes.empty() ? "" : " ") + cpe;
    out_ << fmt::format(",{},{},{},{},{},{},{},{},{}", info.ssl_tunnel ? "ssl" : "",
                        csvField(info.product), csvField(info.version), csvField(info.extrainfo),
                        csvField(info.ostype), scan::toString(service.method), service.confidence,
                        csvField(cpes), csvField(escapeBytes(info.banner)));
  }
  out_ << '\n';
}

// Host and summary records have no row of their own in a per-port table.
void CsvFormatter::host(const scan::HostRecord& /*record*/) {}

void CsvFormatter::end(const scan::ScanSummary& /*summary*/) { out_.flush(); }

}  // namespace portlens::output
