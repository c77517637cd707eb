// nmap's grepable output (-oG): a "Status: Up" line and a "Ports:" line per host, with each
// port as port/state/protocol/owner/service/rpc_info/version/. A host's line is written and
// flushed when its HostRecord arrives (the engine interleaves hosts, and one line holds all
// of a host's ports); after an interrupt, end() writes the hosts that did not finish.
#pragma once

#include <ostream>
#include <vector>

#include "output/formatter.h"
#include "output/host_buffer.h"

namespace portlens::output {

class GrepFormatter final : public Formatter {
 public:
  GrepFormatter(std::ostream& out, const registry::PortRegistry& registry, FormatOptions options);

  void begin(const scan::ScanInfo& info) override;
  void port(const scan::PortRecord& record) override;
  void host(const scan::HostRecord& record) override;
  void end(const scan::ScanSummary& summary) override;

 private:
  void writeHost(const scan::HostRecord& host, std::vector<scan::PortRecord> ports);

  std::ostream& out_;
  const registry::PortRegistry& registry_;
  FormatOptions options_;
  HostBuffer pending_;
};

}  // namespace portlens::output
