#include "detect/tls/tls_inspect.h"

#include "core/screen_safe.h"
#include "detect/tls/tls_openssl.h"

namespace portlens::detect {

TlsRecord inspectSession(const TlsSession& session, CertificateClock::time_point now) {
  TlsRecord record;
  const SSL* ssl = session.ssl();
  if (ssl == nullptr) return record;
  const OpenSslApi& api = openSsl();
  record.version = api.SSL_get_version(ssl);
  if (record.version == "TLSv1") record.version = "TLSv1.0";  // nmap's spelling (ssl-enum-ciphers)
  const SSL_CIPHER* cipher = api.SSL_get_current_cipher(ssl);
  if (cipher != nullptr) record.cipher = api.SSL_CIPHER_get_name(cipher);
  const unsigned char* alpn = nullptr;
  unsigned int alpn_length = 0;
  api.SSL_get0_alpn_selected(ssl, &alpn, &alpn_length);
  if (alpn != nullptr) {
    // OpenSSL only accepts a protocol we offered, but the bytes still came from the peer.
    record.alpn = core::peerText({reinterpret_cast<const char*>(alpn), alpn_length}, 255);
  }
  X509Ptr certificate(api.SSL_get1_peer_certificate(ssl));
  if (certificate) record.certificate = describeCertificate(certificate.get(), now);
  return record;
}

}  // namespace portlens::detect
