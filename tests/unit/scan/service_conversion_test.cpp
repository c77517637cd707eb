// detect::ServiceResult (+ the TLS record) as the ServiceInfo a port record carries, with
// nmap's conventions for method and conf.
#include "scan/service_conversion.h"

#include <gtest/gtest.h>

namespace portlens::scan {
namespace {

TEST(ServiceConversion, ProbedMatchKeepsEveryField) {
  detect::ServiceResult result;
  result.identified = true;
  result.service = "http";
  result.tunnel = detect::Tunnel::kSsl;
  result.product = "nginx";
  result.version = "1.22.1";
  result.info = "Debian";
  result.hostname = "web";
  result.ostype = "Linux";
  result.devicetype = "general purpose";
  result.cpes = {"cpe:/a:igor_sysoev:nginx:1.22.1"};
  const auto info = toServiceInfo(result, std::nullopt, "https");
  EXPECT_EQ(info->name, "http");
  EXPECT_TRUE(info->ssl_tunnel);
  EXPECT_EQ(info->product, "nginx");
  EXPECT_EQ(info->version, "1.22.1");
  EXPECT_EQ(info->extrainfo, "Debian");
  EXPECT_EQ(info->hostname, "web");
  EXPECT_EQ(info->ostype, "Linux");
  EXPECT_EQ(info->devicetype, "general purpose");
  EXPECT_EQ(info->cpe, result.cpes);
  EXPECT_EQ(info->method, ServiceMethod::kProbed);
  EXPECT_EQ(info->confidence, 10);
  EXPECT_FALSE(info->tls.has_value());
}

TEST(ServiceConversion, TcpwrappedAndUnidentifiedFollowNmap) {
  detect::ServiceResult wrapped;
  wrapped.tcpwrapped = true;
  const auto w = toServiceInfo(wrapped, std::nullopt, "ssh");
  EXPECT_EQ(w->name, "tcpwrapped");
  EXPECT_EQ(w->method, ServiceMethod::kProbed);
  EXPECT_EQ(w->confidence, 8);

  detect::ServiceResult unknown;
  unknown.banner = std::string(5000, 'x');
  const auto u = toServiceInfo(unknown, std::nullopt, "http-alt");
  EXPECT_EQ(u->name, "http-alt");
  EXPECT_EQ(u->method, ServiceMethod::kTable);
  EXPECT_EQ(u->confidence, 3);
  EXPECT_EQ(u->banner.size(), kMaxBannerBytes);
  EXPECT_EQ(toServiceInfo(unknown, std::nullopt, "")->name, "unknown");
}

TEST(ServiceConversion, TlsRecordBecomesTlsInfo) {
  detect::TlsRecord record;
  record.version = "TLSv1.2";
  record.cipher = "ECDHE-RSA-AES128-GCM-SHA256";
  record.alpn = "h2";
  detect::CertificateRecord cert;
  cert.subject = "CN=a.test,O=A";
  cert.subject_cn = "a.test";
  cert.issuer = "CN=CA";
  cert.san_dns = {"a.test", "b.test"};
  cert.san_ip = {"127.0.0.1"};
  cert.not_before = "2026-01-01T00:00:00Z";
  cert.not_after = "2026-12-20T00:00:00Z";
  cert.expires_soon = true;
  cert.sha256 = std::string(64, 'a');
  cert.key_type = "rsa";
  cert.key_bits = 2048;
  record.certificate = cert;
  detect::ServiceResult smtp;
  smtp.identified = true;
  smtp.service = "smtp";  // STARTTLS: the service stays smtp, the tunnel plain
  const auto info = toServiceInfo(smtp, record, "smtp");
  EXPECT_FALSE(info->ssl_tunnel);
  ASSERT_TRUE(info->tls.has_value());
  const TlsInfo& tls = *info->tls;
  EXPECT_EQ(tls.version, "TLSv1.2");
  EXPECT_EQ(tls.cipher, record.cipher);
  EXPECT_EQ(tls.alpn, "h2");
  EXPECT_EQ(tls.subject, cert.subject);
  EXPECT_EQ(tls.common_name, "a.test");
  EXPECT_EQ(tls.issuer, "CN=CA");
  EXPECT_EQ(tls.sans, (std::vector<std::string>{"DNS:a.test", "DNS:b.test", "IP:127.0.0.1"}));
  EXPECT_EQ(tls.not_after, cert.not_after);
  EXPECT_TRUE(tls.expires_soon);
  EXPECT_FALSE(tls.self_signed);
  EXPECT_EQ(tls.sha256, cert.sha256);
  EXPECT_EQ(tls.key_type, "RSA");
  EXPECT_EQ(tls.key_bits, 2048);
}

}  // namespace
}  // namespace portlens::scan
