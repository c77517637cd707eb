// The service prober against fake services on 127.0.0.1 port 0 in this process (loopback only,
// docs/network-safety.md): a banner (ssh), a silent HTTP server that answers only to GET, the
// same inside TLS, a peer that closes at once (tcpwrapped), a trickler, a flood, a service that
// never answers (run on a clock 20 times faster than real time: no sleeps), and Ctrl-C.
#include "detect/service_prober.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/unique_fd.h"
#include "detect/builtin_probes.h"
#include "detect/probe_parser.h"
#include "tls_test_pki.h"

namespace portlens::detect {
namespace {

using namespace std::chrono_literals;
using core::UniqueFd;

constexpr std::string_view kSshBanner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
constexpr std::string_view kHttpAnswer =
    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

void sendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

// Reads until a blank line (an HTTP request's end), end of file or the socket's timeout.
std::string readRequest(int fd) {
  std::string request;
  char buffer[1024];
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < 8192) {
    const ssize_t count = ::recv(fd, buffer, sizeof buffer, 0);
    if (count <= 0) break;
    request.append(buffer, static_cast<std::size_t>(count));
  }
  return request;
}

// A listener on 127.0.0.1:0 that serves every connection on a thread of its own with
// `serve(fd)`. Connections time out after 5 s of silence, so a failed test cannot hang.
class FakeService {
 public:
  explicit FakeService(std::function<void(int)> serve) : serve_(std::move(serve)) {
    listener_ = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    auto* generic = reinterpret_cast<sockaddr*>(&address);
    if (::bind(listener_.get(), generic, length) == 0 && ::listen(listener_.get(), 64) == 0 &&
        ::getsockname(listener_.get(), generic, &length) == 0) {
      port_ = ntohs(address.sin_port);
    }
    acceptor_ = std::thread([this] { acceptLoop(); });
  }
  ~FakeService() {
    ::shutdown(listener_.get(), SHUT_RDWR);
    acceptor_.join();
    for (auto& worker : workers_) worker.join();
  }
  std::uint16_t port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  void acceptLoop() {
    while (true) {
      const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      ++connections_;
      timeval timeout{5, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
      workers_.emplace_back([this, fd] {
        UniqueFd connection(fd);
        serve_(connection.get());
      });
    }
  }

  std::function<void(int)> serve_;
  UniqueFd listener_;
  std::uint16_t port_ = 0;
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

const ProbeDatabase& database() {
  static const ProbeDatabase db = parseProbeDatabase(builtinServiceProbes(), kBuiltinProbesName);
  return db;
}
const PatternSet& patterns() {
  static const PatternSet set(database());
  return set;
}

ProbeTarget loopback(std::uint16_t port) {
  return ProbeTarget{*core::IpAddress::parse("127.0.0.1"), port, ""};
}

// The machine's time running `factor` times faster from the clock's creation: the prober's
// waits (epoll timeouts computed from it) end `factor` times sooner in real time.
class FastClock final : public core::Clock {
 public:
  explicit FastClock(int factor) : factor_(factor), start_(real_.now()) {}
  SteadyTime now() override { return start_ + factor_ * (real_.now() - start_); }
  WallTime wallNow() override { return real_.wallNow(); }
  void sleepUntil(SteadyTime deadline) override {
    real_.sleepUntil(start_ + (deadline - start_) / factor_);
  }
  std::chrono::nanoseconds elapsed() { return now() - start_; }

 private:
  core::SystemClock real_;
  int factor_;
  SteadyTime start_;
};

// Runs the prober over `ports` (ids 0..n-1) on the machine's clock, or `clock`, and returns
// the reports in id order.
std::vector<ProbeReport> probe(const std::vector<std::uint16_t>& ports, ProberOptions options = {},
                               core::Clock* clock = nullptr) {
  core::SystemClock system;
  ServiceProber prober(database(), patterns(), clock ? *clock : system, options);
  for (std::size_t i = 0; i < ports.size(); ++i) prober.submit(i, loopback(ports[i]));
  prober.close();
  std::vector<ProbeReport> reports(ports.size());
  std::atomic<bool> stop{false};
  prober.run([&](ProbeReport report) { reports[report.id] = std::move(report); }, stop);
  return reports;
}

void serveSsh(int fd) {
  sendAll(fd, kSshBanner);
  char buffer[256];
  ::recv(fd, buffer, sizeof buffer, 0);
}

void serveSilentHttp(int fd) {
  if (readRequest(fd).starts_with("GET ")) sendAll(fd, kHttpAnswer);
}

TEST(ServiceProber, NamesABannerService) {
  FakeService ssh(serveSsh);
  const auto reports = probe({ssh.port()});
  const ServiceResult& result = reports[0].result;
  EXPECT_TRUE(reports[0].completed);
  EXPECT_TRUE(result.identified);
  EXPECT_EQ(result.service, "ssh");
  EXPECT_EQ(result.product, "OpenSSH");
  EXPECT_EQ(result.version, "9.2p1 Debian 2+deb12u3");
  EXPECT_EQ(result.banner, kSshBanner);
  EXPECT_FALSE(reports[0].tls.has_value());
}

TEST(ServiceProber, NamesASilentHttpServerWithoutTheBannerWait) {
  FakeService http(serveSilentHttp);
  const auto started = std::chrono::steady_clock::now();
  const auto reports = probe({http.port()});
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(reports[0].result.service, "http");
  EXPECT_EQ(reports[0].result.product, "nginx");
  EXPECT_EQ(reports[0].result.version, "1.22.1");
  // The GET goes out after 300 ms of silence, not after nmap's 6 s banner wait.
  EXPECT_LT(elapsed, 2s);
}

TEST(ServiceProber, PeerClosingAtOnceIsTcpwrapped) {
  FakeService wrapped([](int) {});
  const auto reports = probe({wrapped.port()});
  EXPECT_TRUE(reports[0].result.tcpwrapped);
  EXPECT_FALSE(reports[0].result.identified);
}

TEST(ServiceProber, TricklingBannerIsReadToItsEnd) {
  FakeService trickle([](int fd) {
    for (char c : std::string_view("SSH-2.0-OpenSSH_9.2\r\n")) {
      sendAll(fd, std::string_view(&c, 1));
      std::this_thread::sleep_for(100ms);  // the peer under test is slow, not the test
    }
  });
  const auto reports = probe({trickle.port()});
  EXPECT_EQ(reports[0].result.service, "ssh");
  EXPECT_EQ(reports[0].result.product, "OpenSSH");
  EXPECT_EQ(reports[0].result.version, "9.2");
}

TEST(ServiceProber, FloodIsCutAndTheBannerBounded) {
  std::atomic<std::size_t> sent{0};
  FakeService flood([&](int fd) {
    const std::string block(64 * 1024, 'A');
    for (int i = 0; i < 128; ++i) {  // 8 MiB, unless the prober stops reading first
      const ssize_t count = ::send(fd, block.data(), block.size(), MSG_NOSIGNAL);
      if (count <= 0) return;
      sent += static_cast<std::size_t>(count);
    }
  });
  const auto reports = probe({flood.port()});
  EXPECT_TRUE(reports[0].completed);
  EXPECT_FALSE(reports[0].result.identified);
  EXPECT_EQ(reports[0].result.banner.size(), kMaxBannerBytes);
}

// 20 times real time: a silent port's whole plan (about 21 s of waits) runs in about 1 s.
TEST(ServiceProber, SilentPortGivesUpOnTheInjectedClock) {
  FakeService silent([](int fd) { readRequest(fd); });
  const auto real_start = std::chrono::steady_clock::now();
  FastClock fast(20);
  ProberOptions options;
  options.intensity = 2;
  const auto reports = probe({silent.port()}, options, &fast);
  const auto real = std::chrono::steady_clock::now() - real_start;
  const auto simulated = fast.elapsed();
  EXPECT_FALSE(reports[0].result.identified);
  EXPECT_FALSE(reports[0].result.tcpwrapped);
  EXPECT_GT(reports[0].result.probes_sent, 1);
  EXPECT_GT(simulated, 5s);  // at least the NULL probe's banner wait (6 s) passed
  EXPECT_LT(real, 4s);
}

TEST(ServiceProber, BoundsPortsPerHost) {
  std::atomic<int> open{0};
  std::atomic<int> peak{0};
  FakeService ssh([&](int fd) {
    const int now = ++open;
    for (int seen = peak.load(); now > seen && !peak.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(50ms);
    serveSsh(fd);
    --open;
  });
  ProberOptions options;
  options.max_ports_per_host = 2;
  const auto reports = probe(std::vector<std::uint16_t>(6, ssh.port()), options);
  for (const auto& report : reports) EXPECT_EQ(report.result.service, "ssh");
  // Two ports at once, each with at most its NULL connection and a probe beside it.
  EXPECT_LE(peak.load(), 4);
}

TEST(ServiceProber, StopReportsEveryPortAsUnfinished) {
  FakeService silent([](int fd) { readRequest(fd); });
  core::SystemClock clock;
  ServiceProber prober(database(), patterns(), clock);
  prober.submit(7, loopback(silent.port()));
  prober.submit(8, loopback(silent.port()));
  std::atomic<bool> stop{false};
  std::vector<ProbeReport> reports;
  std::thread stopper([&] {
    std::this_thread::sleep_for(200ms);
    stop = true;
  });
  prober.run([&](ProbeReport report) { reports.push_back(std::move(report)); }, stop);
  stopper.join();
  ASSERT_EQ(reports.size(), 2u);
  for (const auto& report : reports) EXPECT_FALSE(report.completed);
}

// A blocking OpenSSL server on every connection: HTTP inside TLS, answering GET only.
void serveTlsHttp(int fd, const testing::TestIdentity& identity) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  SSL_CTX_use_certificate(ctx.get(), identity.certificate.get());
  SSL_CTX_use_PrivateKey(ctx.get(), identity.key.get());
  SslPtr ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), fd);
  if (SSL_accept(ssl.get()) != 1) return;
  char buffer[1024];
  std::size_t count = 0;
  if (SSL_read_ex(ssl.get(), buffer, sizeof buffer, &count) == 1 &&
      std::string_view(buffer, count).starts_with("GET ")) {
    SSL_write_ex(ssl.get(), kHttpAnswer.data(), kHttpAnswer.size(), &count);
  }
  SSL_shutdown(ssl.get());
}

TEST(ServiceProber, NamesHttpInsideTlsAndRecordsTheCertificate) {
  testing::CertificateSpec spec;
  spec.subject = {{"CN", "prober.test"}};
  spec.san = {"DNS:prober.test", "IP:127.0.0.1"};
  const std::int64_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  spec.not_before_unix = now - 86400;
  spec.not_after_unix = now + 10 * 86400;
  const testing::TestIdentity identity = testing::makeIdentity(spec);
  FakeService https([&](int fd) { serveTlsHttp(fd, identity); });
  const auto reports = probe({https.port()});
  const ServiceResult& result = reports[0].result;
  EXPECT_EQ(result.service, "http");
  EXPECT_EQ(result.tunnel, Tunnel::kSsl);
  EXPECT_EQ(result.product, "nginx");
  ASSERT_TRUE(reports[0].tls.has_value());
  EXPECT_EQ(reports[0].tls->version, "TLSv1.3");
  ASSERT_TRUE(reports[0].tls->certificate.has_value());
  const CertificateRecord& cert = *reports[0].tls->certificate;
  EXPECT_EQ(cert.subject_cn, "prober.test");
  EXPECT_EQ(cert.san_ip, std::vector<std::string>{"127.0.0.1"});
  EXPECT_TRUE(cert.self_signed);
  EXPECT_TRUE(cert.expires_soon);
  EXPECT_EQ(cert.sha256, testing::sha256Hex(testing::toDer(identity.certificate.get())));
}

}  // namespace
}  // namespace portlens::detect
