#include "server/scan_views.h"

#include <gtest/gtest.h>

#include "temp_store.h"

namespace portlens::server {
namespace {

using S = scan::PortState;

store::ScanRow row() {
  store::ScanRow r;
  r.id = 4;
  r.status = store::ScanStatus::kRunning;
  r.targets_text = "198.19.0.7";
  r.ports_spec = "1-100";
  r.host_count = 1;
  r.port_count = 100;
  r.ports_done = 25;
  r.counts.open = 1;
  r.counts.closed = 24;
  r.started_ms = 1000;
  return r;
}

TEST(ScanViews, ScanJsonReportsProgress) {
  auto j = scanJson(row());
  EXPECT_EQ(j["status"], "running");
  EXPECT_DOUBLE_EQ(j["progress"].get<double>(), 0.25);
  EXPECT_EQ(j["counts"]["closed"], 24);
  EXPECT_TRUE(j["finished"].is_null());
  EXPECT_TRUE(j["eta_seconds"].is_null());
}

// The label is what the user chose; scans stored before it existed fall back to a short spec
// or to the port count, never to hundreds of numbers.
TEST(ScanViews, PortsLabelIsShort) {
  auto r = row();
  EXPECT_EQ(scanJson(r)["ports_label"], "1-100");
  r.ports_label = "top1000";
  EXPECT_EQ(scanJson(r)["ports_label"], "top1000");
  r.ports_label.clear();
  r.ports_spec = "1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33";
  r.port_count = 17;
  EXPECT_EQ(scanJson(r)["ports_label"], "17 ports");
}

TEST(ScanViews, ResultsUseTheCliFormatters) {
  auto registry = registry::PortRegistry::builtin();
  auto ip = core::IpAddress::parse("198.19.0.7").value();
  std::vector<scan::PortRecord> records = {portRecord("198.19.0.7", 80, S::kOpen),
                                           portRecord("198.19.0.7", 22, S::kOpen)};
  HostCounts counts{{ip, scan::StateCounts{2, 98, 0}}};
  auto ndjson = renderResults(row(), records, counts, output::Format::kNdjson,
                              {S::kOpen, S::kFiltered}, registry);
  // Sorted by port, host record after its ports, summary last and marked interrupted
  // because the scan is still running.
  auto p22 = ndjson.find("\"port\":22");
  auto p80 = ndjson.find("\"port\":80");
  auto host = ndjson.find("{\"type\":\"host\"");
  ASSERT_NE(p22, std::string::npos);
  EXPECT_LT(p22, p80);
  EXPECT_LT(p80, host);
  EXPECT_NE(ndjson.find("\"counts\":{\"open\":2,\"closed\":98,\"filtered\":0}"), std::string::npos);
  EXPECT_NE(ndjson.find("\"interrupted\":true"), std::string::npos);
  auto csv = renderResults(row(), records, counts, output::Format::kCsv, {S::kOpen}, registry);
  EXPECT_NE(csv.find("198.19.0.7,,22,tcp,open,syn-ack"), std::string::npos);
  auto xml = renderResults(row(), records, counts, output::Format::kXml, {S::kOpen}, registry);
  EXPECT_NE(xml.find("<port protocol=\"tcp\" portid=\"22\">"), std::string::npos);
  EXPECT_EQ(contentTypeOf(output::Format::kXml), "application/xml");
}

TEST(ScanViews, DiffJsonNamesServices) {
  auto registry = registry::PortRegistry::builtin();
  ScanDiff diff;
  diff.compared = 2;
  diff.closed.push_back(
      {portRecord("198.19.0.7", 3306, S::kOpen), portRecord("198.19.0.7", 3306, S::kFiltered)});
  auto j = diffJson(row(), row(), diff, registry);
  EXPECT_EQ(j["closed"][0]["service"], "mysql");
  EXPECT_EQ(j["closed"][0]["after"]["state"], "filtered");
  EXPECT_TRUE(j["opened"].empty());
}

}  // namespace
}  // namespace portlens::server
