// What a scan learns about a TLS service: a plain value with no OpenSSL type in it, so the
// formats, the store and the page can use it without linking OpenSSL. Every string that
// came from the peer's certificate went through core::peerText: bounded, valid UTF-8, control
// bytes escaped as "\xNN". Filled by tls_certificate (certificate) and tls_inspect (session).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace portlens::detect {

// Bounds on what one certificate may put in a record.
inline constexpr std::size_t kMaxNameBytes = 1024;      // a DN as text
inline constexpr std::size_t kMaxCertFieldBytes = 256;  // CN, one SAN entry
inline constexpr std::size_t kMaxSanEntries = 64;       // per kind (DNS, IP)

struct CertificateRecord {
  std::string subject;     // RFC 2253 text, "CN=example.org,O=Example"
  std::string subject_cn;  // the most specific commonName, "" when none
  std::string issuer;      // RFC 2253 text
  std::vector<std::string> san_dns;
  std::vector<std::string> san_ip;  // "192.0.2.1", "2001:db8::1"
  bool san_truncated = false;       // more SAN entries than kMaxSanEntries
  std::string not_before;           // ISO 8601 UTC, "2026-12-02T03:41:43Z"
  std::string not_after;
  std::int64_t not_before_unix = 0;
  std::int64_t not_after_unix = 0;
  bool expired = false;       // now > notAfter
  bool expires_soon = false;  // not expired, and notAfter within 30 days of now
  bool not_yet_valid = false;
  // issuer == subject and the signature verifies with the certificate's own key.
  bool self_signed = false;
  // SHA-256 of the DER, lowercase hex without separators: the form nmap's ssl-cert script
  // writes in its structured (XML/JSON) output and `openssl x509 -fingerprint` minus colons.
  std::string sha256;
  std::string key_type;  // nmap's names: "rsa", "ec", "dsa", "ed25519", "ed448", "dh", "unknown"
  int key_bits = 0;
  std::string signature_algorithm;  // "sha256WithRSAEncryption"
};

struct TlsRecord {
  std::string version;  // "TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1.0" (nmap's spelling)
  std::string cipher;   // OpenSSL's name, "TLS_AES_256_GCM_SHA384"
  std::string alpn;     // selected protocol, "" when none (escaped: the server chose it)
  std::optional<CertificateRecord> certificate;  // none when the server sent none
};

}  // namespace portlens::detect
