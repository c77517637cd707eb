// One client-side TLS connection that does not own its socket. The caller's event loop
// (io_uring, epoll, Asio; non-blocking) moves the ciphertext: bytes read from the socket go in
// through receive(), bytes to write come out of outgoing()/consumeOutgoing(). OpenSSL works
// on a pair of memory BIOs, so the session never blocks and never makes a system call.
//
// Life: kHandshaking -> kEstablished -> kClosed, or kFailed (with failure()) from any state.
// Once established, write() encrypts a probe and takePlaintext() returns what the service
// answered, so the service probes can run inside the tunnel.
//
// Memory is bounded whatever the peer sends: receive() accepts ciphertext only up to
// `max_pending_ciphertext` (the caller keeps the rest and stops reading: backpressure), what
// is accepted is decrypted at once, and decrypted bytes beyond `max_plaintext` are counted
// and dropped (droppedPlaintext()). A scan keeps a banner, not the whole stream. During the
// handshake OpenSSL bounds its own buffers (a Certificate message at most max_cert_list,
// 100 KiB by default; other messages far less).
//
// Thread: one thread at a time per session. Errors never throw: they end in kFailed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "detect/tls/tls_client_context.h"
#include "detect/tls/tls_openssl.h"

namespace portlens::detect {

enum class TlsState { kHandshaking, kEstablished, kFailed, kClosed };

struct TlsSessionLimits {
  std::size_t max_pending_ciphertext = std::size_t{64} * 1024;
  std::size_t max_plaintext = std::size_t{64} * 1024;
  std::size_t max_outgoing = std::size_t{64} * 1024;
};

class TlsSession {
 public:
  // `server_name` goes out as SNI when it is a hostname (never for an IP literal, which RFC
  // 6066 forbids, nor for ""). The ClientHello is ready in outgoing() on return.
  TlsSession(const TlsClientContext& context, std::string_view server_name,
             TlsSessionLimits limits = {});

  TlsState state() const { return state_; }
  const std::string& failure() const { return failure_; }

  // Ciphertext to send now (empty when none); valid until the next non-const call.
  std::string_view outgoing();
  // The caller sent the first `count` bytes of outgoing().
  void consumeOutgoing(std::size_t count);

  // Ciphertext read from the socket. Returns how many bytes were taken: all of them unless
  // the pending limit was reached, or the session is failed or closed (0).
  std::size_t receive(std::string_view ciphertext);
  // The socket reached end of file (or was reset).
  void receiveEof();

  // Encrypts `plaintext` (established only). False, with nothing queued, in any other state
  // or when the output would exceed max_outgoing.
  bool write(std::string_view plaintext);
  // Decrypted bytes received so far (at most max_plaintext), moved out.
  std::string takePlaintext();
  std::uint64_t droppedPlaintext() const { return dropped_plaintext_; }

  // Queues close_notify (the caller may still send outgoing()) and ends the session.
  void close();

  // Read-only access for the inspector (version, cipher, ALPN, certificate).
  const SSL* ssl() const { return ssl_.get(); }

 private:
  bool attachBios();
  void advance();
  void handshake();
  void readRecords();
  void drainWriteBio();
  void fail(std::string reason);

  const OpenSslApi* api_;  // OpenSSL, loaded by the context already
  SslPtr ssl_;
  BIO* read_bio_ = nullptr;   // owned by ssl_
  BIO* write_bio_ = nullptr;  // owned by ssl_
  TlsSessionLimits limits_;
  TlsState state_ = TlsState::kHandshaking;
  std::string failure_;
  std::string outgoing_;
  std::string plaintext_;
  std::uint64_t dropped_plaintext_ = 0;
};

}  // namespace portlens::detect
