// nmap's XML output (-oX, xmloutputversion 1.05), close enough for nmap tooling: ndiff,
// nmap.xsl, python-libnmap and the like read it as an nmap scan. Hosts are written and
// flushed as their HostRecords arrive; the document is well-formed once end() has run, which
// the engine guarantees also after Ctrl-C (exit="error" then).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "output/formatter.h"
#include "output/host_buffer.h"
#include "output/service_view.h"

namespace portlens::output {

class XmlFormatter final : public Formatter {
 public:
  XmlFormatter(std::ostream& out, const registry::PortRegistry& registry, FormatOptions options);

  void begin(const scan::ScanInfo& info) override;
  void port(const scan::PortRecord& record) override;
  void host(const scan::HostRecord& record) override;
  void end(const scan::ScanSummary& summary) override;

 private:
  void writeHost(const scan::HostRecord& host, std::vector<scan::PortRecord> ports, bool finished);
  void writePort(const scan::PortRecord& record);
  void writeService(const ServiceView& service);

  std::ostream& out_;
  const registry::PortRegistry& registry_;
  FormatOptions options_;
  HostBuffer pending_;
};

}  // namespace portlens::output
