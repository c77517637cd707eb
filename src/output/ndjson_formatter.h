// Newline-delimited JSON: one self-contained object per line ("type": scan, port, host,
// summary), each written as its record arrives; flush() (about once a second) hands them to a
// consumer reading a pipe, and end() (also after Ctrl-C) writes the rest.
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
  void flush() override { out_.flush(); }

 private:
  void writeLine(const std::string& line);

  std::ostream& out_;
  const registry::PortRegistry& registry_;
  std::string command_line_;  // repeated in the summary line, which may be read on its own
};

}  // namespace portlens::output
