#include "output/json_formatter.h"

#include "output/json_records.h"

namespace portlens::output {

JsonFormatter::JsonFormatter(std::ostream& out, const registry::PortRegistry& registry)
    : out_(out), registry_(registry) {}

void JsonFormatter::begin(const scan::ScanInfo& info) {
  command_line_ = info.command_line;
  out_ << "{\"scan\":" << dumpJson(scanJson(info)) << ",\n\"hosts\":[";
  out_.flush();
}

void JsonFormatter::port(const scan::PortRecord& record) { pending_.add(record); }

void JsonFormatter::host(const scan::HostRecord& record) {
  writeHost(record, pending_.take(record.ip), true);
}

void JsonFormatter::end(const scan::ScanSummary& summary) {
  for (const auto& unfinished : pending_.takeUnfinished(summary.finished)) {
    writeHost(unfinished.host, unfinished.ports, false);
  }
  out_ << "\n],\n\"summary\":" << dumpJson(summaryJson(summary, command_line_)) << "}\n";
  out_.flush();
}

void JsonFormatter::writeHost(const scan::HostRecord& host,
                              const std::vector<scan::PortRecord>& ports, bool finished) {
  Json json = hostJson(host);
  // Only hosts cut short by an interrupt say so; their counts cover the ports found so far.
  if (!finished) json["complete"] = false;
  Json& list = json["ports"] = Json::array();
  for (const auto& record : ports) list.push_back(portJson(record, registry_, HostFields::kOmit));
  out_ << (first_host_ ? "\n" : ",\n") << dumpJson(json);
  first_host_ = false;
  out_.flush();
}

}  // namespace portlens::output
