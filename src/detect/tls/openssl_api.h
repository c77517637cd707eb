// The OpenSSL functions of the TLS code, resolved at run time from libssl.so.3 (and the
// libcrypto.so.3 it loads) the first time a command needs TLS: `portlens` does not link
// OpenSSL, so the commands without TLS (`port`, `sockets`, ...) do not pay the dynamic
// loader for mapping and relocating it (~1 ms of CPU and ~150 page faults per start;
// measured in docs/architecture.md, "Start-up cost of small commands"). OpenSSL stays the
// system's shared library, so Debian's security updates still apply.
//
// Every call into OpenSSL from src/ goes through openSsl(): a direct call would not link
// (nothing links libssl), so the list below is complete by construction. OpenSSL macros
// that expand to calls (SSL_CTX_set_mode, BIO_get_mem_data, OPENSSL_free, sk_*_num) are
// written out as the calls they stand for. Tests may call OpenSSL directly (they link it):
// dlopen then returns the library already loaded, so both see the same OpenSSL.
//
// Thread: any; the first call loads (a function-local static: concurrent first calls wait
// for one load). The library stays loaded for the life of the process (OpenSSL keeps
// per-thread state and exit handlers, it must never be unloaded).
// Errors: std::runtime_error naming the Debian package when libssl.so.3 is missing or lacks
// a function; a later call tries again.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace portlens::detect {

// X(name): one OpenSSL function, stored in OpenSslApi under its own name and type.
// clang-format off
#define PORTLENS_OPENSSL_FUNCTIONS(X)                                                          \
  /* client context (tls_client_context) */                                                   \
  X(TLS_client_method) X(SSL_CTX_new) X(SSL_CTX_free) X(SSL_CTX_ctrl) X(SSL_CTX_set_verify)    \
  X(SSL_CTX_set_security_level) X(SSL_CTX_set_cipher_list) X(SSL_CTX_set_options)              \
  X(SSL_CTX_set_alpn_protos)                                                                   \
  /* session over memory BIOs (tls_session) */                                                \
  X(SSL_new) X(SSL_free) X(SSL_ctrl) X(SSL_set_bio) X(SSL_set_connect_state)                   \
  X(SSL_do_handshake) X(SSL_get_error) X(SSL_read_ex) X(SSL_write_ex) X(SSL_shutdown)          \
  X(BIO_new) X(BIO_s_mem) X(BIO_free) X(BIO_free_all) X(BIO_ctrl) X(BIO_ctrl_pending)          \
  X(BIO_write) X(ERR_get_error) X(ERR_clear_error) X(ERR_error_string_n)                       \
  /* connection record (tls_inspect) */                                                       \
  X(SSL_get_version) X(SSL_get_current_cipher) X(SSL_CIPHER_get_name)                          \
  X(SSL_get0_alpn_selected) X(SSL_get1_peer_certificate)                                       \
  /* certificate record (tls_certificate) */                                                  \
  X(d2i_X509) X(X509_free) X(X509_get_subject_name) X(X509_get_issuer_name) X(X509_NAME_cmp)   \
  X(X509_NAME_print_ex) X(X509_NAME_get_index_by_NID) X(X509_NAME_get_entry)                   \
  X(X509_NAME_ENTRY_get_data) X(X509_get_ext_d2i) X(GENERAL_NAMES_free) X(OPENSSL_sk_num)      \
  X(OPENSSL_sk_value) X(X509_get0_notBefore) X(X509_get0_notAfter) X(X509_get0_pubkey)         \
  X(X509_get_signature_nid) X(X509_verify) X(X509_digest) X(EVP_sha256) X(EVP_PKEY_free)       \
  X(EVP_PKEY_get_base_id) X(EVP_PKEY_get_bits) X(OBJ_nid2ln) X(ASN1_STRING_to_UTF8)            \
  X(ASN1_STRING_get0_data) X(ASN1_STRING_length) X(ASN1_TIME_to_tm) X(CRYPTO_free)
// clang-format on

// The members keep OpenSSL's names and types, so a call reads as OpenSSL's documentation
// spells it (api.SSL_new(ctx)) and the compiler checks it against OpenSSL's own declaration.
struct OpenSslApi {
// NOLINTNEXTLINE(bugprone-macro-parentheses): `name` declares a member, it is no expression.
#define PORTLENS_OPENSSL_MEMBER(name) decltype(&::name) name = nullptr;
  PORTLENS_OPENSSL_FUNCTIONS(PORTLENS_OPENSSL_MEMBER)
#undef PORTLENS_OPENSSL_MEMBER
};

// The functions, loading libssl.so.3 on the first call.
const OpenSslApi& openSsl();

// One function of libssl.so.3 (or the libcrypto it loads) by name, loading the library on the
// first call; for openssl_exports.cpp, which forwards OpenSSL's own names to it. Throws like
// openSsl() when the library or the function is missing.
void* openSslSymbol(const char* name);

}  // namespace portlens::detect
