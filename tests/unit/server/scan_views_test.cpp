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

// The mode is one typed value from the request to the exports: a SYN scan stored and read
// back says "syn" in the API's scan object and in every export that names a scan type.
TEST(ScanViews, SynScanExportsSayTheyAreSynScans) {
  TempStore store;
  store::NewScan scan;
  scan.targets_text = "198.19.0.7";
  scan.ports_spec = "22,80";
  scan.mode = scan::ScanType::kSyn;
  scan.targets.add(core::IpAddress::parse("198.19.0.7").value());
  const auto stored = store->scan(store->insertScan(scan));
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->mode, scan::ScanType::kSyn);
  EXPECT_EQ(scanJson(*stored)["mode"], "syn");

  auto registry = registry::PortRegistry::builtin();
  auto ip = core::IpAddress::parse("198.19.0.7").value();
  std::vector<scan::PortRecord> records = {portRecord("198.19.0.7", 22, S::kOpen)};
  HostCounts counts{{ip, scan::StateCounts{1, 1, 0}}};
  const std::set<scan::PortState> open = {S::kOpen};
  const auto render = [&](output::Format format) {
    return renderResults(*stored, records, counts, format, open, registry);
  };
  const auto json = Json::parse(render(output::Format::kJson));
  EXPECT_EQ(json["scan"]["scan_type"], "syn");
  const auto ndjson = render(output::Format::kNdjson);
  const auto first = Json::parse(ndjson.substr(0, ndjson.find('\n')));
  EXPECT_EQ(first["type"], "scan");
  EXPECT_EQ(first["scan_type"], "syn");
  EXPECT_NE(render(output::Format::kXml).find("<scaninfo type=\"syn\""), std::string::npos);
  for (auto format : {output::Format::kText, output::Format::kCsv, output::Format::kGrep}) {
    EXPECT_EQ(render(format).find("connect"), std::string::npos) << static_cast<int>(format);
  }
}

// The scan object says whether services were detected; exports of such a scan carry nmap's
// service columns (CSV) and every detected field (NDJSON).
TEST(ScanViews, ServiceDetectionIsShownAndExported) {
  auto registry = registry::PortRegistry::builtin();
  auto r = row();
  EXPECT_EQ(scanJson(r)["service_detection"], false);
  r.service_detection = true;
  EXPECT_EQ(scanJson(r)["service_detection"], true);
  auto ip = core::IpAddress::parse("198.19.0.7").value();
  HostCounts counts{{ip, scan::StateCounts{1, 0, 0}}};
  std::vector<scan::PortRecord> records = {
      detectedRecord("198.19.0.7", 2222, "ssh", "OpenSSH", "9.2p1")};
  auto csv = renderResults(r, records, counts, output::Format::kCsv, {S::kOpen}, registry);
  EXPECT_NE(csv.find(",product,version,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("OpenSSH,9.2p1"), std::string::npos) << csv;
  auto ndjson = renderResults(r, records, counts, output::Format::kNdjson, {S::kOpen}, registry);
  EXPECT_NE(ndjson.find("\"service\":\"ssh\",\"product\":\"OpenSSH\",\"version\":\"9.2p1\""),
            std::string::npos)
      << ndjson;
}

// A changed version shows both sides: service, product and version before and after.
TEST(ScanViews, DiffJsonShowsServiceChanges) {
  auto registry = registry::PortRegistry::builtin();
  ScanDiff diff;
  diff.compared = 1;
  auto before = detectedRecord("198.19.0.7", 8443, "http", "nginx", "1.22.1");
  auto after = detectedRecord("198.19.0.7", 8443, "http", "nginx", "1.24.0");
  auto tls = std::make_shared<scan::ServiceInfo>(*after.service);
  tls->ssl_tunnel = true;
  after.service = tls;
  diff.changed.push_back({before, after});
  auto j = diffJson(row(), row(), diff, registry);
  const auto& c = j["changed"][0];
  EXPECT_EQ(c["service"], "http");
  EXPECT_EQ(c["before"]["product"], "nginx");
  EXPECT_EQ(c["before"]["version"], "1.22.1");
  EXPECT_FALSE(c["before"].contains("tunnel"));
  EXPECT_EQ(c["after"]["version"], "1.24.0");
  EXPECT_EQ(c["after"]["tunnel"], "ssl");
  EXPECT_EQ(c["after"]["state"], "open");
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
