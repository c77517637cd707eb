// OpenSSL's own function names, defined in the `portlens` executable and forwarded to
// libssl.so.3 loaded on first use (detect/tls/openssl_api.h). They exist for code we do not
// write: Boost.Asio's ssl::context and ssl::stream (the web service's native TLS) are header
// templates that call OpenSSL by name. Linking libssl for them would map OpenSSL into every
// command again, which cost `portlens sockets` its start-up goal (docs/architecture.md).
//
// Only the executable links this library; tests link the real libssl instead. The list is
// complete by construction: a function Asio starts to need fails the link of `portlens`.
// Each definition repeats OpenSSL's parameter list, and the compiler checks it against
// OpenSSL's declaration (a mismatch is a conflicting-declaration error).
//
// Thread: any (the first call of each function resolves it under a static's guard).
// Errors: a missing libssl.so.3 throws std::runtime_error naming the Debian package; the
// exception crosses Asio's call frames, which are C++, not OpenSSL's.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "detect/tls/openssl_api.h"

namespace {

template <typename Function>
Function resolved(const char* name) {
  return reinterpret_cast<Function>(portlens::detect::openSslSymbol(name));
}

}  // namespace

// clang-format off
// NOLINTBEGIN(bugprone-macro-parentheses): `params` and `args` are parenthesised lists.
#define PORTLENS_FORWARD(ret, name, params, args)                              \
  extern "C" ret name params {                                                 \
    static const auto real = resolved<decltype(&::name)>(#name);               \
    return real args;                                                          \
  }

PORTLENS_FORWARD(long, BIO_ctrl, (BIO* bp, int cmd, long larg, void* parg), (bp, cmd, larg, parg))
PORTLENS_FORWARD(size_t, BIO_ctrl_pending, (BIO* b), (b))
PORTLENS_FORWARD(int, BIO_free, (BIO* a), (a))
PORTLENS_FORWARD(int, BIO_new_bio_pair,
                 (BIO** bio1, size_t writebuf1, BIO** bio2, size_t writebuf2),
                 (bio1, writebuf1, bio2, writebuf2))
PORTLENS_FORWARD(int, BIO_read, (BIO* b, void* data, int dlen), (b, data, dlen))
PORTLENS_FORWARD(int, BIO_write, (BIO* b, const void* data, int dlen), (b, data, dlen))
PORTLENS_FORWARD(void, ERR_clear_error, (void), ())
PORTLENS_FORWARD(void, ERR_error_string_n, (unsigned long e, char* buf, size_t len), (e, buf, len))
PORTLENS_FORWARD(unsigned long, ERR_get_error, (void), ())
PORTLENS_FORWARD(const char*, ERR_lib_error_string, (unsigned long e), (e))
PORTLENS_FORWARD(unsigned long, ERR_peek_last_error, (void), ())
PORTLENS_FORWARD(const char*, ERR_reason_error_string, (unsigned long e), (e))
PORTLENS_FORWARD(const EVP_MD*, EVP_sha256, (void), ())
PORTLENS_FORWARD(int, SSL_CTX_check_private_key, (const SSL_CTX* ctx), (ctx))
PORTLENS_FORWARD(long, SSL_CTX_ctrl, (SSL_CTX* ctx, int cmd, long larg, void* parg),
                 (ctx, cmd, larg, parg))
PORTLENS_FORWARD(void, SSL_CTX_free, (SSL_CTX* ctx), (ctx))
PORTLENS_FORWARD(X509*, SSL_CTX_get0_certificate, (const SSL_CTX* ctx), (ctx))
PORTLENS_FORWARD(void*, SSL_CTX_get_default_passwd_cb_userdata, (SSL_CTX* ctx), (ctx))
PORTLENS_FORWARD(void*, SSL_CTX_get_ex_data, (const SSL_CTX* ssl, int idx), (ssl, idx))
PORTLENS_FORWARD(SSL_CTX*, SSL_CTX_new, (const SSL_METHOD* meth), (meth))
PORTLENS_FORWARD(void, SSL_CTX_set_default_passwd_cb_userdata, (SSL_CTX* ctx, void* u), (ctx, u))
PORTLENS_FORWARD(int, SSL_CTX_set_ex_data, (SSL_CTX* ssl, int idx, void* data), (ssl, idx, data))
PORTLENS_FORWARD(uint64_t, SSL_CTX_set_options, (SSL_CTX* ctx, uint64_t op), (ctx, op))
PORTLENS_FORWARD(int, SSL_CTX_use_PrivateKey_file, (SSL_CTX* ctx, const char* file, int type),
                 (ctx, file, type))
PORTLENS_FORWARD(int, SSL_CTX_use_certificate_chain_file, (SSL_CTX* ctx, const char* file),
                 (ctx, file))
PORTLENS_FORWARD(int, SSL_accept, (SSL* ssl), (ssl))
PORTLENS_FORWARD(int, SSL_connect, (SSL* ssl), (ssl))
PORTLENS_FORWARD(long, SSL_ctrl, (SSL* ssl, int cmd, long larg, void* parg), (ssl, cmd, larg, parg))
PORTLENS_FORWARD(void, SSL_free, (SSL* ssl), (ssl))
PORTLENS_FORWARD(int, SSL_get_error, (const SSL* s, int ret_code), (s, ret_code))
PORTLENS_FORWARD(void*, SSL_get_ex_data, (const SSL* ssl, int idx), (ssl, idx))
PORTLENS_FORWARD(int, SSL_get_shutdown, (const SSL* ssl), (ssl))
PORTLENS_FORWARD(SSL*, SSL_new, (SSL_CTX* ctx), (ctx))
PORTLENS_FORWARD(int, SSL_read, (SSL* ssl, void* buf, int num), (ssl, buf, num))
PORTLENS_FORWARD(void, SSL_set_bio, (SSL* s, BIO* rbio, BIO* wbio), (s, rbio, wbio))
PORTLENS_FORWARD(int, SSL_set_ex_data, (SSL* ssl, int idx, void* data), (ssl, idx, data))
PORTLENS_FORWARD(int, SSL_shutdown, (SSL* s), (s))
PORTLENS_FORWARD(int, SSL_write, (SSL* ssl, const void* buf, int num), (ssl, buf, num))
PORTLENS_FORWARD(const SSL_METHOD*, TLS_client_method, (void), ())
PORTLENS_FORWARD(const SSL_METHOD*, TLS_method, (void), ())
PORTLENS_FORWARD(const SSL_METHOD*, TLS_server_method, (void), ())
PORTLENS_FORWARD(int, X509_digest,
                 (const X509* data, const EVP_MD* type, unsigned char* md, unsigned int* len),
                 (data, type, md, len))

#undef PORTLENS_FORWARD
// NOLINTEND(bugprone-macro-parentheses)
// clang-format on
