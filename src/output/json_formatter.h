// One JSON document: {"scan":{...},"hosts":[{...,"ports":[...]}],"summary":{...}}. It is
// written as the scan goes — the opening at begin(), each host when its HostRecord arrives,
// the closing at end() — so memory stays bounded, and the document is valid once end() has
// run, which the engine guarantees also after Ctrl-C. One host per line, for people and grep.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "output/formatter.h"
#include "output/host_buffer.h"

namespace portlens::output {

class JsonFormatter final : public Formatter {
 public:
  JsonFormatter(std::ostream& out, const registry::PortRegistry& registry);

  void begin(const scan::ScanInfo& info) override;
  void port(const scan::PortRecord& record) override;
  void host(const scan::HostRecord& record) override;
  void end(const scan::ScanSummary& summary) override;

 private:
  void writeHost(const scan::HostRecord& host, const std::vector<scan::PortRecord>& ports,
                 bool finished);

  std::ostream& out_;
  const registry::PortRegistry& registry_;
  HostBuffer pending_;
  std::string command_line_;  // repeated in the summary, as in ndjson
  bool first_host_ = true;
};

}  // namespace portlens::output
