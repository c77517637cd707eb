// One socket of the service prober: a non-blocking TCP connection that may carry a TlsSession
// (from the start for Tunnel::kSsl, or after a STARTTLS upgrade). It only moves bytes: the
// prober decides what they mean. Used by service_prober.cpp on the prober's thread.
//
// Bounds: one handle() reads at most kReadBudget bytes (fairness between ports; epoll is
// level-triggered, so the rest comes next turn); TLS ciphertext the session cannot take yet
// stays in a buffer of at most one read piece and reading pauses until it is taken.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/unique_fd.h"
#include "detect/tls/tls_client_context.h"
#include "detect/tls/tls_session.h"
#include "net/socket_address.h"

namespace portlens::detect {

// What one call to handle() saw.
struct IoOutcome {
  bool ready = false;   // usable now: TCP connected (plain), or the TLS handshake completed
  bool failed = false;  // the connect or a TLS handshake failed: the connection is dead
  bool closed = false;  // the peer closed (or reset, or TLS broke) after ready
  std::string data;     // plaintext received (decrypted inside TLS)
};

class ProberConnection {
 public:
  static constexpr std::size_t kReadPiece = std::size_t{16} * 1024;
  static constexpr std::size_t kReadBudget = std::size_t{64} * 1024;

  // Opens the socket and starts connecting. With `tls_context`, the TLS handshake starts as
  // soon as TCP is connected and ready comes after it. failed() at once when the kernel
  // refuses the socket or the connect.
  ProberConnection(const net::SocketAddress& address, const TlsClientContext* tls_context,
                   std::string server_name);

  int fd() const { return fd_.get(); }
  bool dead() const { return phase_ == Phase::kDead; }
  // The epoll events this connection waits for now.
  std::uint32_t interest() const;

  IoOutcome handle(std::uint32_t events);
  // Plaintext to send (queued, sent as the socket allows). Ignored when not ready.
  void send(std::string_view bytes);
  // Starts TLS on the connected socket (STARTTLS after the server agreed).
  IoOutcome upgrade(const TlsClientContext& context);

  // The TLS session (null for plain connections), for inspection.
  const TlsSession* tls() const { return tls_.get(); }

 private:
  enum class Phase { kConnecting, kHandshaking, kOpen, kDead };

  void onConnectDone(IoOutcome& outcome);
  void readSome(IoOutcome& outcome);
  void afterTlsInput(IoOutcome& outcome);
  void flush();

  core::UniqueFd fd_;
  Phase phase_ = Phase::kConnecting;
  const TlsClientContext* tls_context_;
  std::string server_name_;
  std::unique_ptr<TlsSession> tls_;
  std::string out_;     // plain bytes not yet sent
  std::string unread_;  // ciphertext the session has not taken yet
  bool eof_ = false;
};

}  // namespace portlens::detect
