// nmap's normal output (-oN): a report per host with a PORT/STATE/SERVICE/REASON table and
// "Not shown:" summaries, in nmap 7.93's wording. Each host is written, and flushed, when its
// HostRecord arrives; after an interrupt, end() also reports hosts that did not finish.
#pragma once

#include <ostream>
#include <vector>

#include "output/formatter.h"
#include "output/host_buffer.h"

namespace portlens::output {

class TextFormatter final : public Formatter {
 public:
  TextFormatter(std::ostream& out, const registry::PortRegistry& registry, FormatOptions options);

  void begin(const scan::ScanInfo& info) override;
  void port(const scan::PortRecord& record) override;
  void host(const scan::HostRecord& record) override;
  void end(const scan::ScanSummary& summary) override;

 private:
  void writeHost(const scan::HostRecord& host, std::vector<scan::PortRecord> ports, bool finished);
  void writePortTable(const std::vector<scan::PortRecord>& ports);

  std::ostream& out_;
  const registry::PortRegistry& registry_;
  FormatOptions options_;
  HostBuffer pending_;
};

}  // namespace portlens::output
