// Fuzzes the TLS certificate reader: any DER a server sends must parse or be refused, and
// what parses must respect the record's bounds (no control bytes, bounded strings and lists).
#include <cstdlib>

#include "detect/tls/tls_certificate.h"
#include "fuzz_common.h"

using namespace portlens;

namespace {

void checkText(const std::string& text, std::size_t max_bytes) {
  // peerText may turn each kept byte into "\xNN" (4 bytes) and append "...".
  if (text.size() > max_bytes * 4 + 3) std::abort();
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto now = detect::CertificateClock::from_time_t(1796169600);  // 2026-12-02
  const auto cert = detect::parseCertificateDer(fuzz::asText(data, size), now);
  if (!cert) return 0;
  checkText(cert->subject, detect::kMaxNameBytes);
  checkText(cert->issuer, detect::kMaxNameBytes);
  checkText(cert->subject_cn, detect::kMaxCertFieldBytes);
  if (cert->san_dns.size() > detect::kMaxSanEntries) std::abort();
  if (cert->san_ip.size() > detect::kMaxSanEntries) std::abort();
  for (const auto& name : cert->san_dns) checkText(name, detect::kMaxCertFieldBytes);
  if (cert->expired && cert->expires_soon) std::abort();
  if (!cert->sha256.empty() && cert->sha256.size() != 64) std::abort();
  return 0;
}
