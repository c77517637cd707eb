// A certificate turned into a CertificateRecord. Pure: no I/O, the current time is passed in,
// so tests and the fuzzer control it. Called by tls_inspect after a handshake and by the
// fuzz target on raw DER. Any thread; the certificate is hostile input (bounded, escaped).
#pragma once

#include <openssl/x509.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

#include "detect/tls/tls_record.h"

namespace portlens::detect {

using CertificateClock = std::chrono::system_clock;

// Certificates larger than this are refused unparsed (real chains stay under a few KiB).
inline constexpr std::size_t kMaxCertificateDer = std::size_t{64} * 1024;

// How close to notAfter a certificate is flagged `expires_soon`.
inline constexpr std::chrono::hours kExpiresSoonWindow{24 * 30};

// nullopt when `der` is not one DER certificate OpenSSL can read, or is too large.
std::optional<CertificateRecord> parseCertificateDer(std::string_view der,
                                                     CertificateClock::time_point now);

// The record of a parsed certificate (non-const: OpenSSL's X509_verify wants it so).
CertificateRecord describeCertificate(X509* certificate, CertificateClock::time_point now);

}  // namespace portlens::detect
