// CSV, one row per reported port: ip,hostname,port,proto,state,reason,rtt_ms,service.
// Fields are quoted per RFC 4180 when they hold a comma, quote or line break; lines end in
// "\n" (what Unix tools and every CSV reader accept). Rows are written as the records
// arrive and flushed by flush() and end(), so an interrupted scan keeps every row found.
#pragma once

#include <ostream>

#include "output/formatter.h"

namespace portlens::output {

class CsvFormatter final : public Formatter {
 public:
  CsvFormatter(std::ostream& out, const registry::PortRegistry& registry);

  void begin(const scan::ScanInfo& info) override;
  void port(const scan::PortRecord& record) override;
  void host(const scan::HostRecord& record) override;
  void end(const scan::ScanSummary& summary) override;
  void flush() override { out_.flush(); }

 private:
  std::ostream& out_;
  const registry::PortRegistry& registry_;
  bool service_columns_ = false;  // -sV ran: nmap's service fields as extra columns
};

}  // namespace portlens::output
