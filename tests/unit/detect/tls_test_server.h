// An OpenSSL server in the test process, over its own memory BIOs, wired to a TlsSession by
// pump(): the whole handshake and the application data run without any socket.
#pragma once

#include <string>
#include <vector>

#include "detect/tls/tls_session.h"
#include "tls_test_pki.h"

namespace portlens::detect::testing {

struct ServerOptions {
  int min_version = TLS1_VERSION;
  int max_version = TLS1_3_VERSION;
  std::vector<std::string> alpn;            // protocols the server accepts, in its preference order
  const TestIdentity* chain_ca = nullptr;   // sent after the leaf
  bool require_client_certificate = false;  // mutual TLS (kubelet, etcd, Docker's TLS API)
};

class MemoryTlsServer {
 public:
  MemoryTlsServer(const TestIdentity& identity, ServerOptions options = {});

  // Moves bytes both ways until neither side has anything more to say.
  void pump(TlsSession& client);
  // Queues application data (after the handshake) or close_notify.
  void write(const std::string& plaintext);
  void shutdown();
  // Everything the server decrypted so far; SNI it received ("" when none).
  const std::string& received() const { return received_; }
  std::string serverName() const;
  // Ciphertext the server has queued and not yet pumped, taken out (to feed it by hand).
  std::string takeCiphertext();

 private:
  void step();

  SslCtxPtr ctx_;
  SslPtr ssl_;
  BIO* read_bio_ = nullptr;
  BIO* write_bio_ = nullptr;
  std::vector<unsigned char> alpn_wire_;
  std::string received_;
};

}  // namespace portlens::detect::testing
