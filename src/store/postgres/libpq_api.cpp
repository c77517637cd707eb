#include "store/postgres/libpq_api.h"

#include <dlfcn.h>

#include <string>

#include "store/database.h"

namespace portlens::store {
namespace {

// The soname of libpq (Debian package libpq5), the ABI libpq-fe.h describes.
constexpr const char* kLibpq = "libpq.so.5";

StoreError loadError(const std::string& what) {
  return StoreError("a postgresql:// store needs libpq (Debian package libpq5): " + what);
}

LibpqApi loadLibpq() {
  // Never closed (see the header). RTLD_LOCAL: libpq's symbols (and its OpenSSL's) stay out
  // of the global scope.
  void* library = ::dlopen(kLibpq, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    // dlerror is per-thread in glibc; this runs once, under the static's guard.
    const char* error = ::dlerror();  // NOLINT(concurrency-mt-unsafe)
    throw loadError(error != nullptr ? error : kLibpq);
  }
  LibpqApi api;
#define PORTLENS_LIBPQ_RESOLVE(name)                                        \
  api.name = reinterpret_cast<decltype(api.name)>(::dlsym(library, #name)); \
  if (api.name == nullptr) throw loadError(std::string(kLibpq) + " has no " + #name);
  PORTLENS_LIBPQ_FUNCTIONS(PORTLENS_LIBPQ_RESOLVE)
#undef PORTLENS_LIBPQ_RESOLVE
  return api;
}

}  // namespace

const LibpqApi& libpq() {
  static const LibpqApi api = loadLibpq();
  return api;
}

}  // namespace portlens::store
