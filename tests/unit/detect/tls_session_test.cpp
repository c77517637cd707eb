// The TLS client session against an OpenSSL server in the same process (memory BIOs both
// sides): handshake, SNI, ALPN, data both ways, old protocol versions, failures and bounds.
#include "detect/tls/tls_session.h"

#include <gtest/gtest.h>

#include "detect/tls/tls_inspect.h"
#include "tls_test_pki.h"
#include "tls_test_server.h"

namespace portlens::detect {
namespace {

using testing::CertificateSpec;
using testing::MemoryTlsServer;
using testing::ServerOptions;

constexpr std::int64_t kNow = 1796169600;  // 2026-12-02T00:00:00Z
constexpr std::int64_t kDay = 86400;

const testing::TestIdentity& serverIdentity() {
  static const auto identity = [] {
    CertificateSpec spec;
    spec.subject = {{"CN", "tls.test"}};
    spec.not_before_unix = kNow - kDay;
    spec.not_after_unix = kNow + 365 * kDay;
    return testing::makeIdentity(spec);
  }();
  return identity;
}

ServerOptions versions(int min_version, int max_version) {
  ServerOptions options;
  options.min_version = min_version;
  options.max_version = max_version;
  return options;
}

ServerOptions alpn(std::vector<std::string> protocols) {
  ServerOptions options;
  options.alpn = std::move(protocols);
  return options;
}

TEST(TlsSession, HandshakesSendsSniOffersAlpnAndCarriesDataBothWays) {
  TlsClientContext context;
  MemoryTlsServer server(serverIdentity(), alpn({"http/1.1", "h2"}));
  TlsSession client(context, "www.tls.test");
  EXPECT_EQ(client.state(), TlsState::kHandshaking);
  EXPECT_FALSE(client.outgoing().empty());  // the ClientHello is ready at once
  EXPECT_FALSE(client.write("too early"));

  server.pump(client);
  ASSERT_EQ(client.state(), TlsState::kEstablished) << client.failure();
  EXPECT_EQ(server.serverName(), "www.tls.test");
  const TlsRecord record = inspectSession(client, CertificateClock::from_time_t(kNow));
  EXPECT_EQ(record.version, "TLSv1.3");
  EXPECT_EQ(record.cipher, "TLS_AES_256_GCM_SHA384");
  EXPECT_EQ(record.alpn, "http/1.1");  // the server's preference among what we offered

  ASSERT_TRUE(client.write("GET / HTTP/1.0\r\n\r\n"));
  server.pump(client);
  EXPECT_EQ(server.received(), "GET / HTTP/1.0\r\n\r\n");
  server.write("HTTP/1.0 200 OK\r\n\r\nhello");
  server.pump(client);
  EXPECT_EQ(client.takePlaintext(), "HTTP/1.0 200 OK\r\n\r\nhello");
  EXPECT_EQ(client.takePlaintext(), "");

  server.shutdown();
  server.pump(client);
  EXPECT_EQ(client.state(), TlsState::kClosed);
}

TEST(TlsSession, OffersH2FirstAndSendsNoSniForAnAddress) {
  TlsClientContext context;
  MemoryTlsServer server(serverIdentity(), alpn({"h2", "http/1.1"}));
  TlsSession client(context, "127.0.0.1");
  server.pump(client);
  ASSERT_EQ(client.state(), TlsState::kEstablished) << client.failure();
  EXPECT_EQ(server.serverName(), "");
  EXPECT_EQ(inspectSession(client, CertificateClock::from_time_t(kNow)).alpn, "h2");
}

TEST(TlsSession, TalksToTls10OnlyServers) {
  TlsClientContext context;
  MemoryTlsServer server(serverIdentity(), versions(TLS1_VERSION, TLS1_VERSION));
  TlsSession client(context, "");
  server.pump(client);
  ASSERT_EQ(client.state(), TlsState::kEstablished) << client.failure();
  const TlsRecord record = inspectSession(client, CertificateClock::from_time_t(kNow));
  EXPECT_EQ(record.version, "TLSv1.0");
  EXPECT_EQ(record.alpn, "");  // the server has no ALPN callback
  ASSERT_TRUE(record.certificate.has_value());
  EXPECT_EQ(record.certificate->subject_cn, "tls.test");
}

TEST(TlsSession, TalksToEachVersionFromTls10) {
  const std::pair<int, std::string> expected[] = {{TLS1_VERSION, "TLSv1.0"},
                                                  {TLS1_1_VERSION, "TLSv1.1"},
                                                  {TLS1_2_VERSION, "TLSv1.2"},
                                                  {TLS1_3_VERSION, "TLSv1.3"}};
  TlsClientContext context;
  for (const auto& [version, name] : expected) {
    MemoryTlsServer server(serverIdentity(), versions(version, version));
    TlsSession client(context, "");
    server.pump(client);
    ASSERT_EQ(client.state(), TlsState::kEstablished) << name << ": " << client.failure();
    EXPECT_EQ(inspectSession(client, CertificateClock::from_time_t(kNow)).version, name);
  }
}

// What security level 0 is for: OpenSSL 3's default level would refuse this server, and the
// scan would miss the finding that matters (TLS 1.0, a 512-bit key).
TEST(TlsSession, TalksToAnOldApplianceWithA512BitKey) {
  CertificateSpec spec;
  spec.subject = {{"CN", "appliance.test"}};
  spec.not_before_unix = kNow - kDay;
  spec.not_after_unix = kNow + kDay;
  spec.key = testing::KeyKind::kRsa512;
  const auto weak = testing::makeIdentity(spec);
  TlsClientContext context;
  MemoryTlsServer server(weak, versions(TLS1_VERSION, TLS1_VERSION));
  TlsSession client(context, "");
  server.pump(client);
  ASSERT_EQ(client.state(), TlsState::kEstablished) << client.failure();
  const TlsRecord record = inspectSession(client, CertificateClock::from_time_t(kNow));
  EXPECT_EQ(record.version, "TLSv1.0");
  ASSERT_TRUE(record.certificate.has_value());
  EXPECT_EQ(record.certificate->key_type, "rsa");
  EXPECT_EQ(record.certificate->key_bits, 512);
}

// Mutual-TLS services refuse us after their certificate went out; the record still has it.
TEST(TlsSession, AServerDemandingAClientCertificateStillShowsItsOwn) {
  for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    TlsClientContext context;
    ServerOptions options = versions(version, version);
    options.require_client_certificate = true;
    MemoryTlsServer server(serverIdentity(), options);
    TlsSession client(context, "");
    server.pump(client);
    EXPECT_EQ(client.state(), TlsState::kFailed) << version;
    EXPECT_NE(client.failure().find("alert"), std::string::npos) << client.failure();
    const TlsRecord record = inspectSession(client, CertificateClock::from_time_t(kNow));
    ASSERT_TRUE(record.certificate.has_value()) << version;
    EXPECT_EQ(record.certificate->subject_cn, "tls.test");
  }
}

TEST(TlsSession, APeerThatIsNotTlsFailsTheHandshakeWithAReason) {
  TlsClientContext context;
  TlsSession client(context, "");
  client.consumeOutgoing(client.outgoing().size());
  EXPECT_EQ(client.receive("HTTP/1.1 400 Bad Request\r\n\r\n"), 28u);
  EXPECT_EQ(client.state(), TlsState::kFailed);
  EXPECT_NE(client.failure().find("handshake failed"), std::string::npos) << client.failure();
  EXPECT_EQ(client.receive("more"), 0u);  // a failed session takes nothing more
}

TEST(TlsSession, EndOfFileDuringTheHandshakeFails) {
  TlsClientContext context;
  TlsSession client(context, "");
  client.receiveEof();
  EXPECT_EQ(client.state(), TlsState::kFailed);
  EXPECT_EQ(client.failure(), "peer closed the connection during the handshake");
}

TEST(TlsSession, EndOfFileAfterTheHandshakeCloses) {
  TlsClientContext context;
  MemoryTlsServer server(serverIdentity());
  TlsSession client(context, "");
  server.pump(client);
  ASSERT_EQ(client.state(), TlsState::kEstablished);
  server.write("banner\r\n");
  server.pump(client);
  client.receiveEof();  // no close_notify: a scanner treats it as closed, not failed
  EXPECT_EQ(client.state(), TlsState::kClosed);
  EXPECT_EQ(client.takePlaintext(), "banner\r\n");
}

TEST(TlsSession, APeerSendingMegabytesCannotGrowMemory) {
  TlsClientContext context;
  MemoryTlsServer server(serverIdentity());
  TlsSessionLimits limits;
  limits.max_pending_ciphertext = 20000;
  limits.max_plaintext = 4096;
  limits.max_outgoing = 4096;
  TlsSession client(context, "", limits);
  server.pump(client);
  ASSERT_EQ(client.state(), TlsState::kEstablished);
  const std::string megabyte(1 << 20, 'x');
  server.write(megabyte);
  const std::string ciphertext = server.takeCiphertext();
  ASSERT_GT(ciphertext.size(), megabyte.size());
  std::string_view rest = ciphertext;
  std::size_t calls = 0;
  while (!rest.empty()) {
    const std::size_t taken = client.receive(rest);
    ASSERT_GT(taken, 0u);
    ASSERT_LE(taken, limits.max_pending_ciphertext);  // backpressure: the caller keeps the rest
    rest.remove_prefix(taken);
    ++calls;
  }
  EXPECT_GT(calls, 50u);
  EXPECT_EQ(client.state(), TlsState::kEstablished);
  EXPECT_EQ(client.takePlaintext(), std::string(4096, 'x'));
  EXPECT_EQ(client.droppedPlaintext(), megabyte.size() - 4096);
  EXPECT_FALSE(client.write(std::string(8192, 'p')));  // over max_outgoing: refused, not queued
  EXPECT_TRUE(client.write("small"));
}

TEST(TlsSession, CloseQueuesCloseNotify) {
  TlsClientContext context;
  MemoryTlsServer server(serverIdentity());
  TlsSession client(context, "");
  server.pump(client);
  client.close();
  EXPECT_EQ(client.state(), TlsState::kClosed);
  EXPECT_FALSE(client.outgoing().empty());
  EXPECT_EQ(client.receive("x"), 0u);
}

}  // namespace
}  // namespace portlens::detect
