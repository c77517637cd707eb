// Owning pointers for the OpenSSL objects the TLS code holds, and the text of OpenSSL's
// error queue. Header-only; used by every file of portlens_detect_tls and its tests. The
// frees go through openSsl() (openssl_api.h): an object exists only once OpenSSL is loaded.
#pragma once

#include <memory>
#include <string>

#include "detect/tls/openssl_api.h"

namespace portlens::detect {

// Frees with the OpenSslApi member `Free` (e.g. &OpenSslApi::SSL_free).
template <auto Free>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* object) const {
    (openSsl().*Free)(object);
  }
};

using SslCtxPtr = std::unique_ptr<SSL_CTX, OpenSslDeleter<&OpenSslApi::SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpenSslDeleter<&OpenSslApi::SSL_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<&OpenSslApi::X509_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<&OpenSslApi::EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<&OpenSslApi::BIO_free_all>>;

// Empties this thread's OpenSSL error queue and returns its first entry as text ("" when it
// was empty), so one failed call never leaks its errors into the next one's report.
inline std::string takeOpenSslError() {
  const OpenSslApi& api = openSsl();
  const unsigned long code = api.ERR_get_error();
  api.ERR_clear_error();
  if (code == 0) return {};
  char buffer[256];
  api.ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

}  // namespace portlens::detect
