#include "detect/tls/openssl_api.h"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace portlens::detect {
namespace {

// The soname of OpenSSL 3's libssl (Debian package libssl3), the ABI the headers describe.
constexpr const char* kLibssl = "libssl.so.3";

std::runtime_error loadError(const std::string& what) {
  return std::runtime_error("TLS needs OpenSSL 3 (Debian package libssl3): " + what);
}

void* openLibssl() {
  // Never closed (see the header). RTLD_LOCAL: OpenSSL's symbols stay out of the global scope.
  void* library = ::dlopen(kLibssl, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    // dlerror is per-thread in glibc; this runs once, under the static's guard.
    const char* error = ::dlerror();  // NOLINT(concurrency-mt-unsafe)
    throw loadError(error != nullptr ? error : kLibssl);
  }
  return library;
}

// The handle of libssl.so.3, loaded on the first call (a throw leaves it for the next call).
void* libssl() {
  static void* const library = openLibssl();
  return library;
}

OpenSslApi loadOpenSsl() {
  void* library = libssl();
  // dlsym on the handle searches libssl and its dependencies (libcrypto), nothing else.
  OpenSslApi api;
#define PORTLENS_OPENSSL_RESOLVE(name)                                      \
  api.name = reinterpret_cast<decltype(api.name)>(::dlsym(library, #name)); \
  if (api.name == nullptr) throw loadError(std::string(kLibssl) + " has no " + #name);
  PORTLENS_OPENSSL_FUNCTIONS(PORTLENS_OPENSSL_RESOLVE)
#undef PORTLENS_OPENSSL_RESOLVE
  return api;
}

}  // namespace

void* openSslSymbol(const char* name) {
  void* symbol = ::dlsym(libssl(), name);
  if (symbol == nullptr) throw loadError(std::string(kLibssl) + " has no " + name);
  return symbol;
}

const OpenSslApi& openSsl() {
  static const OpenSslApi api = loadOpenSsl();
  return api;
}

}  // namespace portlens::detect
