// The TLS session driven by a non-blocking socket loop (epoll) over real loopback sockets:
// a server thread in this process listens on 127.0.0.1 port 0, the client side is the kind of
// event loop the service detector runs. Loopback only (docs/network-safety.md).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <chrono>
#include <functional>
#include <thread>

#include "core/unique_fd.h"
#include "detect/tls/starttls.h"
#include "detect/tls/tls_inspect.h"
#include "support/loopback_listener.h"
#include "tls_test_pki.h"

namespace portlens::detect {
namespace {

using core::UniqueFd;
using portlens::testing::listenOnLoopback;
constexpr std::int64_t kNow = 1796169600;  // 2026-12-02T00:00:00Z

UniqueFd connectNonBlocking(std::uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  ::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);  // EINPROGRESS
  return fd;
}

// The client's event loop: waits with epoll (a deadline, never a sleep) and calls `on_ready`
// with the ready events until it returns true. False on timeout.
bool runLoop(int fd, const std::function<std::uint32_t()>& interest,
             const std::function<bool(std::uint32_t)>& on_ready) {
  UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  epoll_event event{};
  event.data.fd = fd;
  event.events = interest();
  ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd, &event);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    epoll_event ready{};
    if (::epoll_wait(epoll.get(), &ready, 1, 100) == 1 && on_ready(ready.events)) return true;
    event.events = interest();
    ::epoll_ctl(epoll.get(), EPOLL_CTL_MOD, fd, &event);
  }
  return false;
}

// Drives `session` over the non-blocking socket until `done()`; keeps bytes the session could
// not take yet (backpressure) and offers them again.
bool driveTls(int fd, TlsSession& session, const std::function<bool()>& done) {
  std::string unread;
  const auto interest = [&] {
    return static_cast<std::uint32_t>(EPOLLIN |
                                      (session.outgoing().empty() ? 0u : std::uint32_t{EPOLLOUT}));
  };
  return runLoop(fd, interest, [&](std::uint32_t events) {
    const std::string_view out = session.outgoing();
    if ((events & EPOLLOUT) && !out.empty()) {
      const ssize_t sent = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
      if (sent > 0) session.consumeOutgoing(static_cast<std::size_t>(sent));
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
      char buffer[16384];
      const ssize_t count = ::recv(fd, buffer, sizeof buffer, 0);
      if (count == 0) session.receiveEof();
      if (count > 0) unread.append(buffer, static_cast<std::size_t>(count));
    }
    unread.erase(0, session.receive(unread));
    return done() || session.state() == TlsState::kFailed;
  });
}

// The plain-text part of STARTTLS over the same loop; true once the server agreed.
bool driveStartTls(int fd, StartTlsDialogue& dialogue) {
  std::string to_send;
  bool upgrade = false;
  const auto interest = [&] {
    return static_cast<std::uint32_t>(EPOLLIN | (to_send.empty() ? 0u : std::uint32_t{EPOLLOUT}));
  };
  const bool finished = runLoop(fd, interest, [&](std::uint32_t events) {
    if ((events & EPOLLOUT) && !to_send.empty()) {
      const ssize_t sent = ::send(fd, to_send.data(), to_send.size(), MSG_NOSIGNAL);
      if (sent > 0) to_send.erase(0, static_cast<std::size_t>(sent));
    }
    if (!(events & EPOLLIN)) return false;
    char buffer[4096];
    const ssize_t count = ::recv(fd, buffer, sizeof buffer, 0);
    if (count <= 0) return true;
    const StartTlsStep step = dialogue.receive({buffer, static_cast<std::size_t>(count)});
    to_send += step.send;
    upgrade = step.outcome == StartTlsOutcome::kUpgrade;
    return step.outcome != StartTlsOutcome::kContinue;
  });
  return finished && upgrade;
}

// A blocking OpenSSL server on one accepted connection: optional SMTP STARTTLS preamble,
// then TLS; answers "PING\r\n" with "PONG\r\n".
void serveOnce(int listener, const testing::TestIdentity& identity, bool smtp_preamble) {
  UniqueFd connection(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (smtp_preamble) {
    const auto say = [&](std::string_view text) {
      ::send(connection.get(), text.data(), text.size(), MSG_NOSIGNAL);
    };
    const auto hear = [&] {  // one command line (the client waits for each reply)
      char buffer[512];
      return ::recv(connection.get(), buffer, sizeof buffer, 0) > 0;
    };
    say("220 loopback ESMTP\r\n");
    if (!hear()) return;
    say("250-loopback\r\n250 STARTTLS\r\n");
    if (!hear()) return;
    say("220 2.0.0 Ready to start TLS\r\n");
  }
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  SSL_CTX_use_certificate(ctx.get(), identity.certificate.get());
  SSL_CTX_use_PrivateKey(ctx.get(), identity.key.get());
  SslPtr ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), connection.get());
  if (SSL_accept(ssl.get()) != 1) return;
  char buffer[64];
  std::size_t count = 0;
  if (SSL_read_ex(ssl.get(), buffer, sizeof buffer, &count) == 1 &&
      std::string_view(buffer, count) == "PING\r\n") {
    SSL_write_ex(ssl.get(), "PONG\r\n", 6, &count);
  }
  SSL_shutdown(ssl.get());
}

const testing::TestIdentity& loopbackIdentity() {
  static const auto identity = [] {
    testing::CertificateSpec spec;
    spec.subject = {{"CN", "loopback.test"}};
    spec.san = {"IP:127.0.0.1"};
    spec.not_before_unix = kNow - 86400;
    spec.not_after_unix = kNow + 20 * 86400;
    return testing::makeIdentity(spec);
  }();
  return identity;
}

// Closing both sockets wakes a server thread still waiting (accept, read) when a check failed.
void stopServer(UniqueFd& client, UniqueFd& listener, std::thread& server) {
  client.reset();
  ::shutdown(listener.get(), SHUT_RDWR);
  server.join();
}

// Handshake, PING/PONG inside the tunnel, then the record, over a non-blocking socket.
void pingOverTls(int fd) {
  TlsClientContext context;
  TlsSession session(context, "127.0.0.1");
  ASSERT_TRUE(driveTls(fd, session, [&] { return session.state() == TlsState::kEstablished; }))
      << session.failure();
  ASSERT_TRUE(session.write("PING\r\n"));
  std::string answer;
  ASSERT_TRUE(driveTls(fd, session, [&] {
    answer += session.takePlaintext();
    return answer.size() >= 6 || session.state() == TlsState::kClosed;
  }));
  EXPECT_EQ(answer, "PONG\r\n");
  const TlsRecord record = inspectSession(session, CertificateClock::from_time_t(kNow));
  EXPECT_EQ(record.version, "TLSv1.3");
  ASSERT_TRUE(record.certificate.has_value());
  EXPECT_EQ(record.certificate->subject_cn, "loopback.test");
  EXPECT_EQ(record.certificate->san_ip, std::vector<std::string>{"127.0.0.1"});
  EXPECT_TRUE(record.certificate->expires_soon);
}

TEST(TlsLoopback, HandshakeAndProbeOverANonBlockingSocket) {
  std::uint16_t port = 0;
  UniqueFd listener = listenOnLoopback(port);
  ASSERT_TRUE(listener.valid());
  std::thread server(serveOnce, listener.get(), std::cref(loopbackIdentity()), false);
  UniqueFd client = connectNonBlocking(port);
  pingOverTls(client.get());
  stopServer(client, listener, server);
}

TEST(TlsLoopback, SmtpStartTlsThenTlsOnTheSameSocket) {
  std::uint16_t port = 0;
  UniqueFd listener = listenOnLoopback(port);
  ASSERT_TRUE(listener.valid());
  std::thread server(serveOnce, listener.get(), std::cref(loopbackIdentity()), true);
  UniqueFd client = connectNonBlocking(port);
  StartTlsDialogue dialogue(StartTlsProtocol::kSmtp);
  EXPECT_TRUE(driveStartTls(client.get(), dialogue));
  EXPECT_EQ(dialogue.greeting(), "220 loopback ESMTP");
  pingOverTls(client.get());
  stopServer(client, listener, server);
}

}  // namespace
}  // namespace portlens::detect
