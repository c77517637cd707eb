#include "server/tls_context.h"

#include <fmt/core.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace portlens::server {
namespace {

namespace ssl = boost::asio::ssl;

// OpenSSL's reason for the last failure, or Asio's message.
std::string reasonOf(const boost::system::system_error& e) {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return e.code().message();
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

std::shared_ptr<ssl::context> loadContext(const std::string& cert_path,
                                          const std::string& key_path) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                       ssl::context::single_dh_use | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  try {
    context->use_certificate_chain_file(cert_path);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot load TLS certificate '" + cert_path + "': " + reasonOf(e));
  }
  try {
    context->use_private_key_file(key_path, ssl::context::pem);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot load TLS key '" + key_path + "': " + reasonOf(e));
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    ERR_clear_error();
    throw std::runtime_error("TLS key '" + key_path + "' does not match certificate '" + cert_path +
                             "'");
  }
  return context;
}

}  // namespace

TlsContext::TlsContext(std::string cert_path, std::string key_path)
    : cert_path_(std::move(cert_path)),
      key_path_(std::move(key_path)),
      context_(loadContext(cert_path_, key_path_)) {}

std::optional<std::string> TlsContext::reload() {
  std::shared_ptr<ssl::context> fresh;
  try {
    fresh = loadContext(cert_path_, key_path_);
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
  std::lock_guard lock(mutex_);
  context_ = std::move(fresh);
  return std::nullopt;
}

std::shared_ptr<ssl::context> TlsContext::current() const {
  std::lock_guard lock(mutex_);
  return context_;
}

std::string TlsContext::fingerprint() const {
  const auto context = current();
  X509* leaf = SSL_CTX_get0_certificate(context->native_handle());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (leaf == nullptr || X509_digest(leaf, EVP_sha256(), digest, &length) != 1) return "?";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02X}", digest[i]);
  return hex;
}

}  // namespace portlens::server
