#include "output/ndjson_formatter.h"

#include "output/json_records.h"

namespace portlens::output {

NdjsonFormatter::NdjsonFormatter(std::ostream& out, const registry::PortRegistry& registry)
    : out_(out), registry_(registry) {}

void NdjsonFormatter::begin(const scan::ScanInfo& info) {
  command_line_ = info.command_line;
  writeLine(dumpJson(typed("scan", scanJson(info))));
}

void NdjsonFormatter::port(const scan::PortRecord& record) {
  writeLine(dumpJson(typed("port", portJson(record, registry_, HostFields::kInclude))));
}

void NdjsonFormatter::host(const scan::HostRecord& record) {
  writeLine(dumpJson(typed("host", hostJson(record))));
}

void NdjsonFormatter::end(const scan::ScanSummary& summary) {
  writeLine(dumpJson(typed("summary", summaryJson(summary, command_line_))));
  out_.flush();
}

void NdjsonFormatter::writeLine(const std::string& line) { out_ << line << '\n'; }

}  // namespace portlens::output
