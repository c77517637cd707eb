// The SSL_CTX every scanner-side TLS session is made from: settings chosen to *inspect* any
// server, never to trust one. Build one per scan and share it read-only between its sessions
// (OpenSSL allows sharing an SSL_CTX between threads too once it is no longer modified).
//
// Errors: the constructor throws std::runtime_error when OpenSSL cannot be loaded (the first
// context of a process loads it: openssl_api.h) or refuses a setting (only on a broken
// OpenSSL installation).
#pragma once

#include "detect/tls/tls_openssl.h"

namespace portlens::detect {

class TlsClientContext {
 public:
  TlsClientContext();

  SSL_CTX* get() const { return ctx_.get(); }

 private:
  SslCtxPtr ctx_;
};

}  // namespace portlens::detect
