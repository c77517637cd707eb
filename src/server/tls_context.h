// The web service's native TLS: the server context built from `tls_cert` (PEM chain) and
// `tls_key` (PEM key), TLS 1.2 at least, and its replacement when the files change. Each new
// connection takes the context current at its accept (a shared_ptr it keeps), so a reload
// never disturbs connections already open.
//
// Threads: current() from the HTTP threads, reload() from the SIGHUP handler (an io thread);
// the swap is under a mutex. Errors: the constructor throws std::runtime_error naming the file
// and OpenSSL's reason; reload() reports the same text and keeps the old context.
//
// OpenSSL: this file and http_server.cpp (which instantiates Beast's ssl_stream) are the only
// server code that uses it; libssl is linked dynamically (Debian's security updates).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace portlens::server {

class TlsContext {
 public:
  TlsContext(std::string cert_path, std::string key_path);

  // Re-reads both files. nullopt when the new pair is in use; else why not (old one kept).
  std::optional<std::string> reload();
  std::shared_ptr<boost::asio::ssl::context> current() const;
  // SHA-256 of the leaf certificate in use, hex (for the log line of a reload).
  std::string fingerprint() const;

 private:
  std::string cert_path_;
  std::string key_path_;
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> context_;
};

}  // namespace portlens::server
