// Certificates made at run time with the OpenSSL API for the TLS tests: each test states
// every field it later expects to read back from the record.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "detect/tls/tls_openssl.h"

namespace portlens::detect::testing {

enum class KeyKind { kEcP256, kRsa2048, kRsa512 };  // 512: an old appliance

struct TestIdentity {
  X509Ptr certificate;
  EvpPkeyPtr key;
};

struct CertificateSpec {
  std::vector<std::pair<std::string, std::string>> subject;  // {"CN", "a"}, {"O", "b"}
  std::vector<std::string> san;                              // "DNS:a.test", "IP:127.0.0.1"
  std::int64_t not_before_unix = 0;
  std::int64_t not_after_unix = 0;
  KeyKind key = KeyKind::kEcP256;
  bool ca = false;
  // Signs with this identity's key and takes its subject as issuer; null: self-signed.
  const TestIdentity* issuer = nullptr;
  // Self-issued (issuer name = subject) but signed with another key, so not self-signed.
  const TestIdentity* foreign_signer = nullptr;
};

TestIdentity makeIdentity(const CertificateSpec& spec);
EvpPkeyPtr makeKey(KeyKind kind);
std::string toDer(const X509* certificate);
// SHA-256 of `bytes` in lowercase hex, computed independently of the code under test.
std::string sha256Hex(const std::string& bytes);

}  // namespace portlens::detect::testing
