// The certificate record, read after real in-process handshakes with certificates this test
// makes: every field is compared with what the test put into the certificate.
#include "detect/tls/tls_certificate.h"

#include <gtest/gtest.h>

#include "detect/tls/tls_inspect.h"
#include "tls_test_pki.h"
#include "tls_test_server.h"

namespace portlens::detect {
namespace {

using testing::CertificateSpec;
using testing::KeyKind;
using testing::TestIdentity;

constexpr std::int64_t kNow = 1796169600;  // 2026-12-02T00:00:00Z
constexpr std::int64_t kDay = 86400;
const CertificateClock::time_point kNowPoint = CertificateClock::from_time_t(kNow);

CertificateSpec spec(std::vector<std::pair<std::string, std::string>> subject,
                     std::int64_t from_day, std::int64_t to_day) {
  CertificateSpec out;
  out.subject = std::move(subject);
  out.not_before_unix = kNow + from_day * kDay;
  out.not_after_unix = kNow + to_day * kDay;
  return out;
}

// Handshakes with an in-process server presenting `identity` and returns the record.
TlsRecord handshakeRecord(const TestIdentity& identity, const TestIdentity* chain_ca = nullptr) {
  TlsClientContext context;
  testing::ServerOptions options;
  options.chain_ca = chain_ca;
  testing::MemoryTlsServer server(identity, options);
  TlsSession client(context, "www.example.test");
  server.pump(client);
  EXPECT_EQ(client.state(), TlsState::kEstablished) << client.failure();
  return inspectSession(client, kNowPoint);
}

TEST(TlsCertificate, ExpiredSelfSignedRsa) {
  auto expired = spec({{"CN", "expired.test"}, {"O", "Old Corp"}}, -400, -10);
  expired.key = KeyKind::kRsa2048;
  const TestIdentity identity = testing::makeIdentity(expired);
  const TlsRecord record = handshakeRecord(identity);
  ASSERT_TRUE(record.certificate.has_value());
  const CertificateRecord& cert = *record.certificate;
  EXPECT_EQ(cert.subject, "O=Old Corp,CN=expired.test");  // RFC 2253: most specific first
  EXPECT_EQ(cert.subject_cn, "expired.test");
  EXPECT_EQ(cert.issuer, "O=Old Corp,CN=expired.test");
  EXPECT_TRUE(cert.self_signed);
  EXPECT_TRUE(cert.expired);
  EXPECT_FALSE(cert.expires_soon);
  EXPECT_FALSE(cert.not_yet_valid);
  EXPECT_EQ(cert.not_before, "2025-10-28T00:00:00Z");
  EXPECT_EQ(cert.not_after, "2026-11-22T00:00:00Z");
  EXPECT_EQ(cert.not_after_unix, kNow - 10 * kDay);
  EXPECT_EQ(cert.not_before_unix, kNow - 400 * kDay);
  EXPECT_EQ(record.version, "TLSv1.3");
  EXPECT_EQ(cert.key_type, "rsa");
  EXPECT_EQ(cert.key_bits, 2048);
  EXPECT_EQ(cert.signature_algorithm, "sha256WithRSAEncryption");
  EXPECT_TRUE(cert.san_dns.empty());
  EXPECT_TRUE(cert.san_ip.empty());
  EXPECT_EQ(cert.sha256, testing::sha256Hex(testing::toDer(identity.certificate.get())));
  EXPECT_EQ(cert.sha256.size(), 64u);
}

TEST(TlsCertificate, LeafWithSansIssuedByACa) {
  auto ca_spec = spec({{"CN", "Portlens Test CA"}, {"O", "Portlens"}}, -30, 3650);
  ca_spec.ca = true;
  const TestIdentity ca = testing::makeIdentity(ca_spec);
  auto leaf_spec = spec({{"CN", "www.example.test"}, {"O", "Example"}}, -1, 90);
  leaf_spec.san = {"DNS:www.example.test", "DNS:*.example.test", "IP:127.0.0.1", "IP:2001:db8::1"};
  leaf_spec.issuer = &ca;
  const TestIdentity leaf = testing::makeIdentity(leaf_spec);
  const TlsRecord record = handshakeRecord(leaf, &ca);
  ASSERT_TRUE(record.certificate.has_value());
  const CertificateRecord& cert = *record.certificate;  // the leaf, not the chain's CA
  EXPECT_EQ(cert.subject, "O=Example,CN=www.example.test");
  EXPECT_EQ(cert.subject_cn, "www.example.test");
  EXPECT_EQ(cert.issuer, "O=Portlens,CN=Portlens Test CA");
  EXPECT_EQ(cert.san_dns, (std::vector<std::string>{"www.example.test", "*.example.test"}));
  EXPECT_EQ(cert.san_ip, (std::vector<std::string>{"127.0.0.1", "2001:db8::1"}));
  EXPECT_FALSE(cert.san_truncated);
  EXPECT_FALSE(cert.self_signed);
  EXPECT_FALSE(cert.expired);
  EXPECT_FALSE(cert.expires_soon);
  EXPECT_EQ(cert.not_before, "2026-12-01T00:00:00Z");
  EXPECT_EQ(cert.not_after, "2027-03-02T00:00:00Z");
  EXPECT_EQ(cert.not_before_unix, kNow - kDay);
  EXPECT_EQ(cert.not_after_unix, kNow + 90 * kDay);
  EXPECT_FALSE(cert.not_yet_valid);
  EXPECT_EQ(cert.key_type, "ec");
  EXPECT_EQ(cert.key_bits, 256);
  EXPECT_EQ(cert.signature_algorithm, "ecdsa-with-SHA256");
  EXPECT_EQ(cert.sha256, testing::sha256Hex(testing::toDer(leaf.certificate.get())));
}

TEST(TlsCertificate, ExpiringInTenDaysIsFlagged) {
  const TestIdentity identity = testing::makeIdentity(spec({{"CN", "soon.test"}}, -80, 10));
  const TlsRecord record = handshakeRecord(identity);
  ASSERT_TRUE(record.certificate.has_value());
  EXPECT_TRUE(record.certificate->expires_soon);
  EXPECT_FALSE(record.certificate->expired);
  EXPECT_EQ(record.certificate->not_before, "2026-09-13T00:00:00Z");
  EXPECT_EQ(record.certificate->not_after, "2026-12-12T00:00:00Z");
  EXPECT_EQ(record.certificate->subject, "CN=soon.test");
  EXPECT_EQ(record.certificate->issuer, "CN=soon.test");
  EXPECT_TRUE(record.certificate->self_signed);
}

TEST(TlsCertificate, ThirtyDayWindowAndNotYetValid) {
  const TestIdentity at_30 = testing::makeIdentity(spec({{"CN", "a"}}, -1, 30));
  const TestIdentity at_31 = testing::makeIdentity(spec({{"CN", "b"}}, -1, 31));
  const TestIdentity future = testing::makeIdentity(spec({{"CN", "c"}}, 2, 400));
  EXPECT_TRUE(describeCertificate(at_30.certificate.get(), kNowPoint).expires_soon);
  EXPECT_FALSE(describeCertificate(at_31.certificate.get(), kNowPoint).expires_soon);
  EXPECT_TRUE(describeCertificate(future.certificate.get(), kNowPoint).not_yet_valid);
}

TEST(TlsCertificate, SameNameSignedByAnotherKeyIsNotSelfSigned) {
  const TestIdentity other = testing::makeIdentity(spec({{"CN", "other"}}, -1, 10));
  auto forged = spec({{"CN", "self.test"}}, -1, 100);
  forged.foreign_signer = &other;
  const TestIdentity identity = testing::makeIdentity(forged);
  const CertificateRecord cert = describeCertificate(identity.certificate.get(), kNowPoint);
  EXPECT_EQ(cert.issuer, cert.subject);
  EXPECT_FALSE(cert.self_signed);
}

TEST(TlsCertificate, HostileNamesAreBoundedAndEscaped) {
  auto hostile = spec({{"CN", "\x1b[2J<script>"}, {"O", "a\\b,c"}}, -1, 100);
  hostile.san.push_back("DNS:" + std::string(5000, 'x'));
  for (int i = 0; i < 100; ++i) hostile.san.push_back("DNS:n" + std::to_string(i) + ".test");
  const TestIdentity identity = testing::makeIdentity(hostile);
  const CertificateRecord cert = describeCertificate(identity.certificate.get(), kNowPoint);
  EXPECT_EQ(cert.subject_cn, "\\x1B[2J<script>");
  EXPECT_EQ(cert.subject, "O=a\\\\b\\,c,CN=\\1B[2J\\<script\\>");  // OpenSSL's RFC 2253 escapes
  ASSERT_EQ(cert.san_dns.size(), kMaxSanEntries);
  EXPECT_TRUE(cert.san_truncated);
  EXPECT_EQ(cert.san_dns[0], std::string(kMaxCertFieldBytes, 'x') + "...");
  EXPECT_EQ(cert.san_dns[1], "n0.test");
}

TEST(TlsCertificate, ParsesDerApartFromAHandshake) {
  const TestIdentity identity = testing::makeIdentity(spec({{"CN", "der.test"}}, -1, 100));
  const std::string der = testing::toDer(identity.certificate.get());
  const auto cert = parseCertificateDer(der, kNowPoint);
  ASSERT_TRUE(cert.has_value());
  EXPECT_EQ(cert->subject_cn, "der.test");
  EXPECT_EQ(cert->sha256, testing::sha256Hex(der));
  EXPECT_FALSE(parseCertificateDer("", kNowPoint).has_value());
  EXPECT_FALSE(parseCertificateDer("not a certificate", kNowPoint).has_value());
  EXPECT_FALSE(parseCertificateDer(der.substr(0, der.size() / 2), kNowPoint).has_value());
  EXPECT_FALSE(parseCertificateDer(std::string(kMaxCertificateDer + 1, '\x30'), kNowPoint));
}

}  // namespace
}  // namespace portlens::detect
