// The OpenSSL functions the TLS code calls through (openssl_api.h): loaded once, every one
// resolved, and resolved from OpenSSL's own libraries (not from this program or another
// library that happens to export the name).
#include "detect/tls/openssl_api.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace portlens::detect {
namespace {

// The file name of the shared object that holds `function`, or "" when none does.
template <typename Function>
std::string libraryOf(Function function) {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(function), &info) == 0 || info.dli_fname == nullptr) {
    return {};
  }
  const std::string path = info.dli_fname;
  return path.substr(path.rfind('/') + 1);
}

TEST(OpenSslApi, LoadsOnceAndResolvesEveryFunctionFromOpenSsl) {
  const OpenSslApi& api = openSsl();
  EXPECT_EQ(&api, &openSsl());
  std::vector<std::string> wrong;
#define PORTLENS_CHECK_FUNCTION(name)                                                \
  if (const std::string library = libraryOf(api.name);                               \
      library.rfind("libssl.so", 0) != 0 && library.rfind("libcrypto.so", 0) != 0) { \
    wrong.push_back(std::string(#name) + " in '" + library + "'");                   \
  }
  PORTLENS_OPENSSL_FUNCTIONS(PORTLENS_CHECK_FUNCTION)
#undef PORTLENS_CHECK_FUNCTION
  EXPECT_TRUE(wrong.empty()) << ::testing::PrintToString(wrong);
}

TEST(OpenSslApi, CallsReachOpenSsl) {
  const OpenSslApi& api = openSsl();
  const SSL_METHOD* method = api.TLS_client_method();
  ASSERT_NE(method, nullptr);
  SSL_CTX* context = api.SSL_CTX_new(method);
  ASSERT_NE(context, nullptr);
  api.SSL_CTX_free(context);
  EXPECT_STREQ(api.OBJ_nid2ln(NID_sha256WithRSAEncryption), "sha256WithRSAEncryption");
}

}  // namespace
}  // namespace portlens::detect
