// Writes a small Portlens XML scan for the ndiff test: `ndiff_xml_writer FILE open|closed`
// scans 198.18.0.7 ports 22 and 80 (80 always closed) with port 22 in the given state.
#include <fstream>
#include <iostream>
#include <string_view>

#include "output/formatter.h"
#include "scan_fixture.h"

int main(int argc, char** argv) {
  using namespace portlens;
  using namespace std::chrono_literals;
  if (argc != 3) {
    std::cerr << "usage: ndiff_xml_writer FILE open|closed\n";
    return 2;
  }
  const std::string_view state_name = argv[2];
  const bool open = state_name == "open";

  std::ofstream file(argv[1]);
  auto formatter =
      output::makeFormatter(output::Format::kXml, file, output::testing::testRegistry(), {});
  scan::ScanInfo info = output::testing::scanInfo();
  info.command_line = "portlens scan -p 22,80 198.18.0.7";
  info.ports_spec = "22,80";
  info.port_count = 2;
  info.host_count = 1;
  formatter->begin(info);
  // Closed ports are not shown by default, so only an open 22 arrives as a record.
  if (open) {
    formatter->port(output::testing::portRecord("198.18.0.7", 22, scan::PortState::kOpen,
                                                scan::Reason::kSynAck, 150us));
  }
  formatter->host(output::testing::hostRecord(
      "198.18.0.7", "", {.open = open ? 1u : 0u, .closed = open ? 1u : 2u, .filtered = 0}));
  scan::ScanSummary summary;
  summary.totals = {.open = open ? 1u : 0u, .closed = open ? 1u : 2u};
  summary.hosts_completed = 1;
  summary.probes_sent = 2;
  summary.elapsed_seconds = 0.05;
  summary.finished = output::testing::fixedStart() + 1s;
  formatter->end(summary);
  return file.good() ? 0 : 1;
}
