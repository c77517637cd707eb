// Service detection's fields in every format: nmap's VERSION column, <service> attributes and
// CPEs, the grepable version field, JSON members and CSV columns; and hostile peer text (escape
// sequences, markup, bytes that are not UTF-8) reaching none of them raw.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "output/formatter.h"
#include "output/service_view.h"
#include "scan_fixture.h"
#include "xml_check.h"

namespace portlens::output {
namespace {

using namespace std::chrono_literals;
using scan::PortState;
using scan::Reason;

constexpr std::string_view kHostileBanner = "\x1b[31mroot\x1b[0m <script>alert(1)</script>\xff\r\n";

std::shared_ptr<const scan::ServiceInfo> sshService() {
  auto info = std::make_shared<scan::ServiceInfo>();
  info->name = "ssh";
  info->product = "OpenSSH";
  info->version = "9.2p1 Debian 2+deb12u3";
  info->extrainfo = "protocol 2.0";
  info->ostype = "Linux";
  info->cpe = {"cpe:/a:openbsd:openssh:9.2p1", "cpe:/o:linux:linux_kernel"};
  info->banner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
  return info;
}

std::shared_ptr<const scan::ServiceInfo> hostileHttps() {
  auto info = std::make_shared<scan::ServiceInfo>();
  info->name = "http";
  info->ssl_tunnel = true;
  info->product = "evil\x1b[2Jhttpd <b>";
  info->banner = std::string(kHostileBanner);
  scan::TlsInfo tls;
  tls.version = "TLSv1.3";
  tls.subject = "CN=<script>";
  tls.sans = {"DNS:lab.example"};
  tls.self_signed = true;
  tls.expired = true;
  tls.sha256 = "ab12";
  info->tls = tls;
  return info;
}

std::string renderDetected(Format format) {
  auto ssh = testing::portRecord("198.18.0.7", 22, PortState::kOpen, Reason::kSynAck, 1ms);
  ssh.service = sshService();
  auto https = testing::portRecord("198.18.0.7", 8443, PortState::kOpen, Reason::kSynAck, 1ms);
  https.service = hostileHttps();
  auto plain = testing::portRecord("198.18.0.7", 80, PortState::kOpen, Reason::kSynAck, 1ms);
  std::vector<testing::Event> events = {ssh, https, plain,
                                        testing::hostRecord("198.18.0.7", "", {.open = 3})};
  scan::ScanInfo info = testing::scanInfo();
  info.service_detection = true;
  std::ostringstream out;
  FormatOptions options;
  auto formatter = makeFormatter(format, out, testing::testRegistry(), options);
  scan::ScanSummary summary;
  summary.hosts_completed = 1;
  testing::feed(*formatter, info, events, summary);
  return out.str();
}

TEST(ServiceFields, TextHasNmapsVersionColumn) {
  const std::string text = renderDetected(Format::kText);
  EXPECT_NE(text.find("PORT     STATE SERVICE  REASON  VERSION\n"), std::string::npos) << text;
  EXPECT_NE(text.find("22/tcp   open  ssh      syn-ack OpenSSH 9.2p1 Debian 2+deb12u3 "
                      "(protocol 2.0)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("8443/tcp open  ssl/http syn-ack evil\\x1B[2Jhttpd <b>\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("80/tcp   open  http     syn-ack\n"), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

TEST(ServiceFields, JsonCarriesEveryFieldAndEscapesTheBanner) {
  const std::string ndjson = renderDetected(Format::kNdjson);
  std::vector<nlohmann::json> ports;
  for (const auto& line : testing::splitLines(ndjson)) {
    auto j = nlohmann::json::parse(line);
    if (j["type"] == "scan") {
      EXPECT_EQ(j["service_detection"], true);
    }
    if (j["type"] == "port") ports.push_back(j);
  }
  ASSERT_EQ(ports.size(), 3u);
  const auto& ssh = ports[0];
  EXPECT_EQ(ssh["service"], "ssh");
  EXPECT_EQ(ssh["product"], "OpenSSH");
  EXPECT_EQ(ssh["version"], "9.2p1 Debian 2+deb12u3");
  EXPECT_EQ(ssh["extrainfo"], "protocol 2.0");
  EXPECT_EQ(ssh["ostype"], "Linux");
  EXPECT_EQ(ssh["method"], "probed");
  EXPECT_EQ(ssh["conf"], 10);
  EXPECT_EQ(ssh["cpe"][0], "cpe:/a:openbsd:openssh:9.2p1");
  EXPECT_EQ(ssh["banner"], "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\\r\\n");
  const auto& https = ports[1];
  EXPECT_EQ(https["tunnel"], "ssl");
  EXPECT_EQ(https["tls"]["version"], "TLSv1.3");
  EXPECT_EQ(https["tls"]["self_signed"], true);
  EXPECT_EQ(https["tls"]["expired"], true);
  EXPECT_EQ(https["tls"]["sans"][0], "DNS:lab.example");
  EXPECT_EQ(https["banner"],
            "\\x1b[31mroot\\x1b[0m <script>alert(1)</script>\\xff\\r\\n");  // exact and reversible
  EXPECT_FALSE(ports[2].contains("method"));  // no detection result: the table's name only
  EXPECT_EQ(ports[2]["service"], "http");
}

TEST(ServiceFields, XmlHasNmapsServiceElement) {
  const std::string xml = renderDetected(Format::kXml);
  const std::string path = testing::writeTempFile("service.xml", xml);
  const auto lint = testing::runCommand("xmllint --noout " + testing::shellQuote(path));
  std::remove(path.c_str());
  EXPECT_EQ(lint.exit_code, 0) << lint.output;
  EXPECT_NE(xml.find("<service name=\"ssh\" product=\"OpenSSH\" version=\"9.2p1 Debian "
                     "2+deb12u3\" extrainfo=\"protocol 2.0\" ostype=\"Linux\" method=\"probed\" "
                     "conf=\"10\"><cpe>cpe:/a:openbsd:openssh:9.2p1</cpe><cpe>cpe:/o:linux:"
                     "linux_kernel</cpe></service>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("tunnel=\"ssl\" method=\"probed\""), std::string::npos);
  EXPECT_NE(xml.find("<service name=\"http\" method=\"table\" conf=\"3\"/>"), std::string::npos);
  EXPECT_EQ(xml.find("<b>"), std::string::npos);
}

TEST(ServiceFields, GrepHasTheVersionField) {
  const std::string grep = renderDetected(Format::kGrep);
  EXPECT_NE(grep.find("22/open/tcp//ssh//OpenSSH 9.2p1 Debian 2+deb12u3 (protocol 2.0)/"),
            std::string::npos)
      << grep;
  EXPECT_NE(grep.find("8443/open/tcp//ssl|http//evil\\x1B[2Jhttpd <b>/"), std::string::npos)
      << grep;
}

TEST(ServiceFields, CsvAddsColumnsOnlyWithDetection) {
  const std::string csv = renderDetected(Format::kCsv);
  const auto lines = testing::splitLines(csv);
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0],
            "ip,hostname,port,proto,state,reason,rtt_ms,service,tunnel,product,version,extrainfo,"
            "ostype,method,conf,cpe,banner");
  EXPECT_EQ(lines[1],
            "198.18.0.7,,22,tcp,open,syn-ack,1.000,ssh,,OpenSSH,9.2p1 Debian 2+deb12u3,protocol "
            "2.0,Linux,probed,10,cpe:/a:openbsd:openssh:9.2p1 cpe:/o:linux:linux_kernel,"
            "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\\r\\n");
  EXPECT_EQ(testing::splitLines(testing::render(Format::kCsv))[0],
            "ip,hostname,port,proto,state,reason,rtt_ms,service");
}

TEST(ServiceFields, EscapedBytesAreExactAndPrintable) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  const std::string escaped = escapeBytes(all);
  for (char c : escaped) {
    EXPECT_GE(static_cast<unsigned char>(c), 0x20);
    EXPECT_LT(static_cast<unsigned char>(c), 0x7f);
  }
  // Reverse it: every byte comes back.
  std::string back;
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '\\') {
      back += escaped[i];
      continue;
    }
    const char kind = escaped[++i];
    if (kind == 'x') {
      back += static_cast<char>(std::stoi(escaped.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      back += kind == 'r' ? '\r' : kind == 'n' ? '\n' : kind == 't' ? '\t' : kind;
    }
  }
  EXPECT_EQ(back, all);
}

}  // namespace
}  // namespace portlens::output
