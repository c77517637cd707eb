#include "detect/tls/tls_client_context.h"

#include <stdexcept>
#include <string>

namespace portlens::detect {

namespace {

// ALPN offer in wire format (length-prefixed names): h2 first, as browsers do, so the
// record shows what a modern client would get.
constexpr unsigned char kAlpnOffer[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

void require(bool ok, const char* what) {
  if (!ok)
    throw std::runtime_error(std::string("TLS client setup: ") + what + ": " + takeOpenSslError());
}

}  // namespace

// Loads OpenSSL (openssl_api.h): a scan with -sV is the first user of TLS in a process.
TlsClientContext::TlsClientContext() : ctx_(openSsl().SSL_CTX_new(openSsl().TLS_client_method())) {
  require(ctx_ != nullptr, "SSL_CTX_new");
  const OpenSslApi& api = openSsl();
  SSL_CTX* ctx = ctx_.get();
  // We inspect certificates, we do not trust them: expired, self-signed or mismatched
  // certificates are exactly what a scan must report, so no verification aborts a handshake.
  api.SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  // Security level 0: OpenSSL 3's default level 1 refuses TLS 1.0/1.1 (SHA-1 handshake
  // signatures), RSA keys under 1024 bits and old ciphers, so an old appliance would look like
  // "not TLS" instead of "TLS 1.0 with a 512-bit key", which is the finding that matters.
  api.SSL_CTX_set_security_level(ctx, 0);
  require(api.SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0") == 1, "cipher list");
  require(api.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_VERSION, nullptr) == 1,
          "min version");
  require(api.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, TLS1_3_VERSION, nullptr) == 1,
          "max version");
  // Old servers without RFC 5746 secure renegotiation: OpenSSL 3 refuses them by default.
  // We never renegotiate, so talking to them costs nothing. A peer that closes without
  // close_notify is a closed connection for a scanner, not an error.
  api.SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_IGNORE_UNEXPECTED_EOF |
                                   SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  // One connection per session: no session cache, no tickets kept.
  api.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_MODE, SSL_SESS_CACHE_OFF, nullptr);
  // Release the 16 KiB read/write buffers whenever they are empty: a scan holds many mostly
  // idle sessions. Measured (bench/tls_session_bench, 1000 sessions held): heap per session
  // 76 KB -> 43 KB while handshaking, 54 KB -> 21 KB once established.
  api.SSL_CTX_ctrl(ctx, SSL_CTRL_MODE, SSL_MODE_RELEASE_BUFFERS, nullptr);
  require(api.SSL_CTX_set_alpn_protos(ctx, kAlpnOffer, sizeof kAlpnOffer) == 0, "ALPN");
}

}  // namespace portlens::detect
