// Cost of one TLS connection for service detection, in process (no sockets): handshake with
// an in-memory OpenSSL server plus inspectSession, and heap held per client session.
//   build/release/bench/tls_session_bench [iterations]
// Times are CPU time of the thread (the build machine is shared). Client time counts only the calls
// the detector makes (TlsSession, inspectSession); server time is reported apart, since a real scan
// pays only the client side.
#include <malloc.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "detect/tls/tls_inspect.h"
#include "tls_test_pki.h"

using namespace portlens::detect;
using Clock = std::chrono::steady_clock;

namespace {

// CPU time of this thread: the machine is shared, so wall time would count other processes.
struct CpuClock {
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<CpuClock>;
  static time_point now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(duration(ts.tv_sec * 1000000000LL + ts.tv_nsec));
  }
};

}  // namespace

namespace {

struct Server {
  SslPtr ssl;
  BIO* in = nullptr;
  BIO* out = nullptr;
  Server(SSL_CTX* ctx) : ssl(SSL_new(ctx)) {
    in = BIO_new(BIO_s_mem());
    out = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in, -1);
    SSL_set_bio(ssl.get(), in, out);
    SSL_set_accept_state(ssl.get());
  }
};

SslCtxPtr serverContext(const testing::TestIdentity& identity, int max_version) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  SSL_CTX_set_max_proto_version(ctx.get(), max_version);
  SSL_CTX_use_certificate(ctx.get(), identity.certificate.get());
  SSL_CTX_use_PrivateKey(ctx.get(), identity.key.get());
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx.get(), 0);
  return ctx;
}

struct Timing {
  double client_seconds = 0;
  double server_seconds = 0;
  double inspect_seconds = 0;  // part of client_seconds
};

// Runs one handshake; client and server time accumulate separately.
std::unique_ptr<TlsSession> handshake(const TlsClientContext& client_ctx, SSL_CTX* server_ctx,
                                      Timing& timing, bool inspect) {
  auto t0 = CpuClock::now();
  auto client = std::make_unique<TlsSession>(client_ctx, "bench.test");
  timing.client_seconds += std::chrono::duration<double>(CpuClock::now() - t0).count();
  Server server(server_ctx);
  for (int round = 0; round < 10 && client->state() == TlsState::kHandshaking; ++round) {
    t0 = CpuClock::now();
    std::string to_server(client->outgoing());
    client->consumeOutgoing(to_server.size());
    timing.client_seconds += std::chrono::duration<double>(CpuClock::now() - t0).count();
    t0 = CpuClock::now();
    BIO_write(server.in, to_server.data(), static_cast<int>(to_server.size()));
    SSL_do_handshake(server.ssl.get());
    ERR_clear_error();
    char* data = nullptr;
    const long size = BIO_get_mem_data(server.out, &data);
    std::string to_client(data, static_cast<std::size_t>(size > 0 ? size : 0));
    (void)BIO_reset(server.out);
    timing.server_seconds += std::chrono::duration<double>(CpuClock::now() - t0).count();
    t0 = CpuClock::now();
    client->receive(to_client);
    timing.client_seconds += std::chrono::duration<double>(CpuClock::now() - t0).count();
  }
  if (client->state() != TlsState::kEstablished) {
    std::fprintf(stderr, "handshake failed: %s\n", client->failure().c_str());
    std::exit(1);
  }
  if (inspect) {
    t0 = CpuClock::now();
    const TlsRecord record = inspectSession(*client, CertificateClock::now());
    const double spent = std::chrono::duration<double>(CpuClock::now() - t0).count();
    timing.client_seconds += spent;
    timing.inspect_seconds += spent;
    if (!record.certificate) std::exit(1);
  }
  return client;
}

void timeHandshakes(const char* label, const testing::TestIdentity& identity, int max_version,
                    int iterations) {
  TlsClientContext client_ctx;
  SslCtxPtr server_ctx = serverContext(identity, max_version);
  Timing timing;
  const auto start = Clock::now();
  for (int i = 0; i < iterations; ++i) handshake(client_ctx, server_ctx.get(), timing, true);
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "%-22s %6d connections: CPU client %6.1f us (inspect %5.1f), server %6.1f us; wall %7.1f us "
      "each\n",
      label, iterations, timing.client_seconds * 1e6 / iterations,
      timing.inspect_seconds * 1e6 / iterations, timing.server_seconds * 1e6 / iterations,
      wall * 1e6 / iterations);
}

std::size_t heapInUse() { return mallinfo2().uordblks; }

void measureMemory(const testing::TestIdentity& identity, int sessions) {
  TlsClientContext client_ctx;
  SslCtxPtr server_ctx = serverContext(identity, TLS1_3_VERSION);
  Timing timing;
  std::vector<std::unique_ptr<TlsSession>> held;
  held.reserve(static_cast<std::size_t>(sessions));
  std::size_t before = heapInUse();
  for (int i = 0; i < sessions; ++i) {
    held.push_back(std::make_unique<TlsSession>(client_ctx, "bench.test"));
  }
  const double handshaking = double(heapInUse() - before) / sessions;
  held.clear();
  before = heapInUse();
  for (int i = 0; i < sessions; ++i) {
    held.push_back(handshake(client_ctx, server_ctx.get(), timing, false));
  }
  const double established = double(heapInUse() - before) / sessions;
  std::printf(
      "heap per client session (%d held): %.0f bytes handshaking (ClientHello queued), "
      "%.0f bytes established\n",
      sessions, handshaking, established);
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 2000;
  testing::CertificateSpec spec;
  spec.subject = {{"CN", "bench.test"}};
  spec.san = {"DNS:bench.test", "IP:127.0.0.1"};
  spec.not_before_unix = std::time(nullptr) - 86400;
  spec.not_after_unix = std::time(nullptr) + 86400 * 365;
  const auto ec = testing::makeIdentity(spec);
  spec.key = testing::KeyKind::kRsa2048;
  const auto rsa = testing::makeIdentity(spec);
  timeHandshakes("TLS 1.3, EC P-256", ec, TLS1_3_VERSION, iterations);
  timeHandshakes("TLS 1.3, RSA 2048", rsa, TLS1_3_VERSION, iterations);
  timeHandshakes("TLS 1.2, EC P-256", ec, TLS1_2_VERSION, iterations);
  timeHandshakes("TLS 1.2, RSA 2048", rsa, TLS1_2_VERSION, iterations);
  measureMemory(ec, 1000);
  return 0;
}
