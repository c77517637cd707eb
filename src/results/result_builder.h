// Internal to portlens_results: what the format readers (json_results.cpp, xml_results.cpp)
// fill while they read, and the shared last step (expansion of unlisted ports, sorting,
// bounds). Not part of the library's contract.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/port_set.h"
#include "results/result_reader.h"

namespace portlens::results {

std::optional<scan::Reason> parseReason(std::string_view text);
// The reason a port of `state` gets when a file summarised it without one.
scan::Reason defaultReason(scan::PortState state);

class ResultBuilder {
 public:
  ResultBuilder(ResultFormat format, std::string_view source);

  [[noreturn]] void fail(std::size_t line, std::string_view message) const;

  // The scanned ports, when the file says them ("1-1024,8080"); a bad spec is ignored (the
  // unlisted ports are then not expanded), since only the expansion needs it.
  void setScannedPorts(std::string_view spec);
  void setServiceDetection() { result_.service_detection = true; }
  void addPort(scan::PortRecord record);
  // A host's summary: its counts over every state (JSON, NDJSON) ...
  void addHost(const scan::HostRecord& host);
  // ... or, for XML, one <extraports> group.
  void addUnlisted(core::IpAddress ip, scan::PortState state, scan::Reason reason);

  ScanResult finish();

 private:
  struct HostState {
    scan::HostRecord host;
    bool has_counts = false;
    std::vector<std::pair<scan::PortState, scan::Reason>> unlisted;  // XML extraports
  };
  HostState& hostState(core::IpAddress ip);
  std::optional<std::pair<scan::PortState, scan::Reason>> unlistedState(
      const HostState& host, const core::PortSet& listed,
      const scan::StateCounts& listed_counts) const;
  void expand(ScanResult& result);

  std::string source_;
  ScanResult result_;
  std::optional<core::PortSet> scanned_;
  std::map<core::IpAddress, HostState> hosts_;
  std::vector<core::IpAddress> host_order_;
};

void readJsonResult(const nlohmann::json& document, ResultBuilder& builder);  // json format
void readNdjsonResult(std::string_view text, ResultBuilder& builder);         // one record a line
void readXmlResult(std::string_view text, ResultBuilder& builder);            // nmap XML

}  // namespace portlens::results
