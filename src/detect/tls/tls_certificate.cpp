#include "detect/tls/tls_certificate.h"

#include <array>
#include <cstdio>
#include <ctime>
#include <string>

#include "core/ip_address.h"
#include "core/screen_safe.h"
#include "detect/tls/tls_openssl.h"

namespace portlens::detect {

namespace {

std::string asn1Text(const ASN1_STRING* value, std::size_t max_bytes) {
  const OpenSslApi& api = openSsl();
  unsigned char* utf8 = nullptr;
  const int length = api.ASN1_STRING_to_UTF8(&utf8, value);
  if (length < 0) return {};
  std::string text = core::peerText(
      std::string_view(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length)),
      max_bytes);
  api.CRYPTO_free(utf8, OPENSSL_FILE, OPENSSL_LINE);  // OPENSSL_free
  return text;
}

// RFC 2253 text with UTF-8 kept as UTF-8 (not "\C3\A9"); OpenSSL already escapes the DN
// syntax characters, peerText bounds the result and escapes what is left.
std::string nameText(const X509_NAME* name) {
  if (name == nullptr) return {};
  const OpenSslApi& api = openSsl();
  BioPtr bio(api.BIO_new(api.BIO_s_mem()));
  if (!bio) return {};
  const unsigned long flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
  if (api.X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) return {};
  char* data = nullptr;
  const long size = api.BIO_ctrl(bio.get(), BIO_CTRL_INFO, 0, &data);  // BIO_get_mem_data
  if (size <= 0) return {};
  return core::peerText(std::string_view(data, static_cast<std::size_t>(size)), kMaxNameBytes,
                        core::Backslash::kKeep);
}

std::string commonName(const X509_NAME* name) {
  if (name == nullptr) return {};
  const OpenSslApi& api = openSsl();
  int index = -1;
  int last = -1;
  while ((index = api.X509_NAME_get_index_by_NID(name, NID_commonName, index)) >= 0) last = index;
  if (last < 0) return {};
  const X509_NAME_ENTRY* entry = api.X509_NAME_get_entry(name, last);
  return asn1Text(api.X509_NAME_ENTRY_get_data(entry), kMaxCertFieldBytes);
}

std::string ipText(const ASN1_OCTET_STRING* octets) {
  const OpenSslApi& api = openSsl();
  const unsigned char* bytes = api.ASN1_STRING_get0_data(octets);
  const int length = api.ASN1_STRING_length(octets);
  if (length == 4) {
    return core::IpAddress::fromV4((std::uint32_t{bytes[0]} << 24) |
                                   (std::uint32_t{bytes[1]} << 16) |
                                   (std::uint32_t{bytes[2]} << 8) | bytes[3])
        .toString();
  }
  if (length == 16) {
    std::array<std::uint8_t, 16> v6{};
    std::copy(bytes, bytes + 16, v6.begin());
    return core::IpAddress::fromV6Bytes(v6).toString();
  }
  return "invalid(" + std::to_string(length) + " bytes)";
}

void addSubjectAltNames(X509* certificate, CertificateRecord& record) {
  const OpenSslApi& api = openSsl();
  auto* names = static_cast<GENERAL_NAMES*>(
      api.X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return;
  // sk_GENERAL_NAME_num / sk_GENERAL_NAME_value, written as the calls they stand for.
  const OPENSSL_STACK* stack = ossl_check_const_GENERAL_NAME_sk_type(names);
  for (int i = 0; i < api.OPENSSL_sk_num(stack); ++i) {
    const auto* name = static_cast<const GENERAL_NAME*>(api.OPENSSL_sk_value(stack, i));
    std::vector<std::string>* list = nullptr;
    std::string text;
    if (name->type == GEN_DNS) {
      list = &record.san_dns;
      text = asn1Text(name->d.dNSName, kMaxCertFieldBytes);
    } else if (name->type == GEN_IPADD) {
      list = &record.san_ip;
      text = ipText(name->d.iPAddress);
    }
    if (list == nullptr) continue;
    if (list->size() >= kMaxSanEntries) {
      record.san_truncated = true;
      continue;
    }
    list->push_back(std::move(text));
  }
  api.GENERAL_NAMES_free(names);
}

// ASN.1 time -> seconds since the epoch and ISO 8601; false when OpenSSL cannot read it.
bool readTime(const ASN1_TIME* time, std::int64_t& unix_seconds, std::string& iso) {
  std::tm tm{};
  if (time == nullptr || openSsl().ASN1_TIME_to_tm(time, &tm) != 1) return false;
  using namespace std::chrono;
  const year_month_day date{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                            day{static_cast<unsigned>(tm.tm_mday)}};
  if (!date.ok()) return false;
  unix_seconds = sys_days{date}.time_since_epoch().count() * std::int64_t{86400} +
                 std::int64_t{tm.tm_hour} * 3600 + std::int64_t{tm.tm_min} * 60 + tm.tm_sec;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  iso = buffer;
  return true;
}

void addValidity(X509* certificate, CertificateClock::time_point now, CertificateRecord& record) {
  const OpenSslApi& api = openSsl();
  const bool has_start =
      readTime(api.X509_get0_notBefore(certificate), record.not_before_unix, record.not_before);
  const bool has_end =
      readTime(api.X509_get0_notAfter(certificate), record.not_after_unix, record.not_after);
  const std::int64_t now_unix =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::int64_t window = std::chrono::seconds(kExpiresSoonWindow).count();
  record.not_yet_valid = has_start && now_unix < record.not_before_unix;
  record.expired = has_end && now_unix > record.not_after_unix;
  record.expires_soon = has_end && !record.expired && record.not_after_unix - now_unix <= window;
}

std::string keyTypeName(int base_id) {
  switch (base_id) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      return "rsa";
    case EVP_PKEY_EC:
      return "ec";
    case EVP_PKEY_DSA:
      return "dsa";
    case EVP_PKEY_DH:
      return "dh";
    case EVP_PKEY_ED25519:
      return "ed25519";
    case EVP_PKEY_ED448:
      return "ed448";
    default:
      return "unknown";
  }
}

void addKeyAndSignature(X509* certificate, CertificateRecord& record) {
  const OpenSslApi& api = openSsl();
  EVP_PKEY* key = api.X509_get0_pubkey(certificate);
  record.key_type = key ? keyTypeName(api.EVP_PKEY_get_base_id(key)) : "unknown";
  record.key_bits = key ? api.EVP_PKEY_get_bits(key) : 0;
  const int signature_nid = api.X509_get_signature_nid(certificate);
  const char* signature_name = signature_nid == NID_undef ? nullptr : api.OBJ_nid2ln(signature_nid);
  record.signature_algorithm = signature_name ? signature_name : "unknown";
  const bool same_name = api.X509_NAME_cmp(api.X509_get_issuer_name(certificate),
                                           api.X509_get_subject_name(certificate)) == 0;
  record.self_signed = same_name && key != nullptr && api.X509_verify(certificate, key) == 1;
}

std::string sha256Hex(const X509* certificate) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const OpenSslApi& api = openSsl();
  if (api.X509_digest(certificate, api.EVP_sha256(), digest, &length) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

}  // namespace

CertificateRecord describeCertificate(X509* certificate, CertificateClock::time_point now) {
  const OpenSslApi& api = openSsl();
  CertificateRecord record;
  record.subject = nameText(api.X509_get_subject_name(certificate));
  record.subject_cn = commonName(api.X509_get_subject_name(certificate));
  record.issuer = nameText(api.X509_get_issuer_name(certificate));
  addSubjectAltNames(certificate, record);
  addValidity(certificate, now, record);
  addKeyAndSignature(certificate, record);
  record.sha256 = sha256Hex(certificate);
  api.ERR_clear_error();  // a field OpenSSL could not read must not leak errors to the next call
  return record;
}

std::optional<CertificateRecord> parseCertificateDer(std::string_view der,
                                                     CertificateClock::time_point now) {
  if (der.empty() || der.size() > kMaxCertificateDer) return std::nullopt;
  const OpenSslApi& api = openSsl();
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr certificate(api.d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!certificate) {
    api.ERR_clear_error();
    return std::nullopt;
  }
  return describeCertificate(certificate.get(), now);
}

}  // namespace portlens::detect
