#include "tls_test_pki.h"

#include <openssl/x509v3.h>

#include <stdexcept>

namespace portlens::detect::testing {

namespace {

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + ": " + takeOpenSslError());
}

void addExtension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  check(extension != nullptr, "extension");
  X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

EvpPkeyPtr makeKey(KeyKind kind) {
  EVP_PKEY* key = kind == KeyKind::kEcP256
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA",
                                          std::size_t{kind == KeyKind::kRsa512 ? 512u : 2048u});
  check(key != nullptr, "key generation");
  return EvpPkeyPtr(key);
}

TestIdentity makeIdentity(const CertificateSpec& spec) {
  TestIdentity identity{X509Ptr(X509_new()), makeKey(spec.key)};
  X509* certificate = identity.certificate.get();
  check(X509_set_version(certificate, 2) == 1, "version");
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), 4242);
  ASN1_TIME_set(X509_getm_notBefore(certificate), static_cast<time_t>(spec.not_before_unix));
  ASN1_TIME_set(X509_getm_notAfter(certificate), static_cast<time_t>(spec.not_after_unix));
  X509_NAME* name = X509_get_subject_name(certificate);
  for (const auto& [field, value] : spec.subject) {
    check(X509_NAME_add_entry_by_txt(name, field.c_str(), MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(value.data()),
                                     static_cast<int>(value.size()), -1, 0) == 1,
          "name entry");
  }
  X509* issuer = spec.issuer ? spec.issuer->certificate.get() : certificate;
  check(X509_set_issuer_name(certificate, X509_get_subject_name(issuer)) == 1, "issuer");
  check(X509_set_pubkey(certificate, identity.key.get()) == 1, "public key");
  if (spec.ca) addExtension(certificate, issuer, NID_basic_constraints, "critical,CA:TRUE");
  if (!spec.san.empty()) addExtension(certificate, issuer, NID_subject_alt_name, join(spec.san));
  EVP_PKEY* signer = spec.issuer           ? spec.issuer->key.get()
                     : spec.foreign_signer ? spec.foreign_signer->key.get()
                                           : identity.key.get();
  check(X509_sign(certificate, signer, EVP_sha256()) > 0, "sign");
  return identity;
}

std::string toDer(const X509* certificate) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(certificate, &der);
  check(length > 0, "i2d_X509");
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

std::string sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  check(EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) == 1,
        "digest");
  std::string hex;
  char pair[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(pair, sizeof pair, "%02x", digest[i]);
    hex += pair;
  }
  return hex;
}

}  // namespace portlens::detect::testing
