#include "tls_test_server.h"

#include <stdexcept>

namespace portlens::detect::testing {

namespace {

int selectAlpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
               unsigned int in_length, void* arg) {
  auto* preference = static_cast<std::vector<unsigned char>*>(arg);
  unsigned char* selected = nullptr;
  const int result =
      SSL_select_next_proto(&selected, out_length, preference->data(),
                            static_cast<unsigned int>(preference->size()), in, in_length);
  if (result != OPENSSL_NPN_NEGOTIATED) return SSL_TLSEXT_ERR_NOACK;
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

MemoryTlsServer::MemoryTlsServer(const TestIdentity& identity, ServerOptions options)
    : ctx_(SSL_CTX_new(TLS_server_method())) {
  SSL_CTX* ctx = ctx_.get();
  SSL_CTX_set_security_level(ctx, 0);
  SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
  SSL_CTX_set_min_proto_version(ctx, options.min_version);
  SSL_CTX_set_max_proto_version(ctx, options.max_version);
  if (SSL_CTX_use_certificate(ctx, identity.certificate.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, identity.key.get()) != 1) {
    throw std::runtime_error("test server: certificate: " + takeOpenSslError());
  }
  if (options.chain_ca) SSL_CTX_add1_chain_cert(ctx, options.chain_ca->certificate.get());
  if (options.require_client_certificate) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  for (const auto& name : options.alpn) {
    alpn_wire_.push_back(static_cast<unsigned char>(name.size()));
    alpn_wire_.insert(alpn_wire_.end(), name.begin(), name.end());
  }
  if (!alpn_wire_.empty()) SSL_CTX_set_alpn_select_cb(ctx, selectAlpn, &alpn_wire_);
  ssl_.reset(SSL_new(ctx));
  read_bio_ = BIO_new(BIO_s_mem());
  write_bio_ = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(read_bio_, -1);
  SSL_set_bio(ssl_.get(), read_bio_, write_bio_);
  SSL_set_accept_state(ssl_.get());
}

void MemoryTlsServer::step() {
  if (!SSL_is_init_finished(ssl_.get())) {
    SSL_do_handshake(ssl_.get());
    ERR_clear_error();
  }
  char buffer[16384];
  std::size_t count = 0;
  while (SSL_is_init_finished(ssl_.get()) &&
         SSL_read_ex(ssl_.get(), buffer, sizeof buffer, &count) == 1) {
    received_.append(buffer, count);
  }
  ERR_clear_error();
}

std::string MemoryTlsServer::takeCiphertext() {
  char* data = nullptr;
  const long size = BIO_get_mem_data(write_bio_, &data);
  std::string out = size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
  (void)BIO_reset(write_bio_);
  return out;
}

void MemoryTlsServer::pump(TlsSession& client) {
  for (int round = 0; round < 1000; ++round) {
    bool moved = false;
    const std::string_view to_server = client.outgoing();
    if (!to_server.empty()) {
      BIO_write(read_bio_, to_server.data(), static_cast<int>(to_server.size()));
      client.consumeOutgoing(to_server.size());
      moved = true;
    }
    step();
    std::string to_client = takeCiphertext();
    std::string_view rest = to_client;
    while (!rest.empty()) {
      const std::size_t taken = client.receive(rest);
      if (taken == 0) break;
      rest.remove_prefix(taken);
      moved = true;
    }
    if (!moved) return;
  }
  throw std::runtime_error("test server: pump did not settle");
}

void MemoryTlsServer::write(const std::string& plaintext) {
  std::size_t written = 0;
  SSL_write_ex(ssl_.get(), plaintext.data(), plaintext.size(), &written);
}

void MemoryTlsServer::shutdown() { SSL_shutdown(ssl_.get()); }

std::string MemoryTlsServer::serverName() const {
  const char* name = SSL_get_servername(ssl_.get(), TLSEXT_NAMETYPE_host_name);
  return name ? name : "";
}

}  // namespace portlens::detect::testing
