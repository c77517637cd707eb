// Newline-delimited JSON: one self-contained object per line ("type": scan, port, host,
// summary), each written and flushed as its record arrives, so an interrupted scan — or a
// consumer reading a pipe — has every line written so far.
#pragma once

#include <ostream>
#include <string>

#include "output/formatter.h"

namespace portlens::output {

class NdjsonFormatter final : public Formatter {
 public:
  NdjsonFormatter(std::ostream& out, const registry::PortRegistry& registry);

  void begin(const scan::ScanInfo& info) override;
  void port(const scan::PortRecord& record) override;
  void host(const scan::HostRecord& record) override;
  void end(const scan::ScanSummary& summary) override;

 private:
  void writeLine(const std::string& line);

  std::ostream& out_;
  const registry::PortRegistry& registry_;
  std::string command_line_;  // repeated in the summary line, which may be read on its own
};

}  // namespace portlens::output
