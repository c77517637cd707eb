// What service detection learned about one open port: nmap's service fields (name, product,
// version, extra info, OS, device type, CPEs, how and how surely it was named), the first bytes
// the service sent, and what its TLS layer showed. Filled by detect/, carried on PortRecord,
// turned into text, JSON, XML and rows by output/ and the store. Plain data, no formatting.
// Everything here came from a remote peer: formatters escape every field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portlens::scan {

// At most this many bytes of a service's first answer are kept.
inline constexpr std::size_t kMaxBannerBytes = 1024;

// nmap's `method`: "probed" (an answer matched a pattern) or "table" (named by port number).
enum class ServiceMethod : std::uint8_t { kTable, kProbed };
std::string_view toString(ServiceMethod method);

struct TlsInfo {
  std::string version;  // "TLSv1.3"
  std::string cipher;   // OpenSSL's name, "TLS_AES_256_GCM_SHA384"
  std::string alpn;     // the protocol the server selected, "" when none
  std::string subject;  // the certificate's subject DN, "CN=example,O=..."
  std::string common_name;
  std::vector<std::string> sans;  // "DNS:example.org", "IP:198.18.0.7"
  std::string issuer;
  std::string not_before;  // ISO 8601 UTC
  std::string not_after;
  bool self_signed = false;
  bool expired = false;
  bool expires_soon = false;  // within 30 days of the scan
  std::string sha256;         // certificate fingerprint, lowercase hex
  std::string key_type;       // "RSA", "EC", "ED25519"
  int key_bits = 0;
};

struct ServiceInfo {
  std::string name;  // nmap's service name: "ssh", "http", "tcpwrapped"
  std::string product;
  std::string version;
  std::string extrainfo;
  std::string hostname;  // h/ of a version template: a name the service gave itself
  std::string ostype;
  std::string devicetype;
  bool ssl_tunnel = false;  // the probes matched inside TLS ("ssl/http")
  std::vector<std::string> cpe;
  ServiceMethod method = ServiceMethod::kProbed;
  std::uint8_t confidence = 10;  // nmap's conf: 10 probed, 3 from the port table
  std::string banner;            // the first bytes the service sent, exact, <= kMaxBannerBytes
  std::optional<TlsInfo> tls;
};

}  // namespace portlens::scan
