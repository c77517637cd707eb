#include "detect/tls/tls_session.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/ip_address.h"

namespace portlens::detect {

namespace {

bool isSniName(std::string_view name) {
  return !name.empty() && name.size() <= 253 && !core::IpAddress::parse(name);
}

}  // namespace

TlsSession::TlsSession(const TlsClientContext& context, std::string_view server_name,
                       TlsSessionLimits limits)
    : api_(&openSsl()), ssl_(api_->SSL_new(context.get())), limits_(limits) {
  if (attachBios()) {
    api_->SSL_set_connect_state(ssl_.get());
    if (isSniName(server_name)) {
      // SSL_set_tlsext_host_name without its old-style cast (the name is copied).
      std::string name(server_name);
      api_->SSL_ctrl(ssl_.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     name.data());
    }
    advance();
  }
}

bool TlsSession::attachBios() {
  if (!ssl_) {
    fail("SSL_new: " + takeOpenSslError());
    return false;
  }
  BIO* read_bio = api_->BIO_new(api_->BIO_s_mem());
  BIO* write_bio = api_->BIO_new(api_->BIO_s_mem());
  if (read_bio == nullptr || write_bio == nullptr) {
    api_->BIO_free(read_bio);
    api_->BIO_free(write_bio);
    fail("BIO_new: out of memory");
    return false;
  }
  // An empty read BIO means "no bytes yet", not end of file, until receiveEof().
  api_->BIO_ctrl(read_bio, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nullptr);  // BIO_set_mem_eof_return
  api_->SSL_set_bio(ssl_.get(), read_bio, write_bio);                   // ssl_ owns both from here
  read_bio_ = read_bio;
  write_bio_ = write_bio;
  return true;
}

std::string_view TlsSession::outgoing() {
  drainWriteBio();
  return outgoing_;
}

void TlsSession::consumeOutgoing(std::size_t count) {
  outgoing_.erase(0, std::min(count, outgoing_.size()));
}

std::size_t TlsSession::receive(std::string_view ciphertext) {
  if (state_ == TlsState::kFailed || state_ == TlsState::kClosed) return 0;
  const std::size_t pending = api_->BIO_ctrl_pending(read_bio_);
  const std::size_t room =
      limits_.max_pending_ciphertext > pending ? limits_.max_pending_ciphertext - pending : 0;
  const std::size_t taken = std::min(room, ciphertext.size());
  if (taken > 0 && api_->BIO_write(read_bio_, ciphertext.data(), static_cast<int>(taken)) <= 0) {
    fail("BIO_write: out of memory");
    return 0;
  }
  advance();
  return taken;
}

void TlsSession::receiveEof() {
  if (state_ == TlsState::kFailed || state_ == TlsState::kClosed) return;
  api_->BIO_ctrl(read_bio_, BIO_C_SET_BUF_MEM_EOF_RETURN, 0, nullptr);  // BIO_set_mem_eof_return
  advance();
  if (state_ == TlsState::kHandshaking) fail("peer closed the connection during the handshake");
  if (state_ == TlsState::kEstablished) state_ = TlsState::kClosed;
}

bool TlsSession::write(std::string_view plaintext) {
  if (state_ != TlsState::kEstablished) return false;
  drainWriteBio();
  // A TLS record adds at most ~100 bytes of header, padding and tag per 16 KiB.
  const std::size_t expected = plaintext.size() + (plaintext.size() / 16384 + 1) * 128;
  if (outgoing_.size() + expected > limits_.max_outgoing) return false;
  std::size_t written = 0;
  if (!plaintext.empty() &&
      api_->SSL_write_ex(ssl_.get(), plaintext.data(), plaintext.size(), &written) != 1) {
    fail("SSL_write: " + takeOpenSslError());
    return false;
  }
  drainWriteBio();
  return true;
}

std::string TlsSession::takePlaintext() { return std::exchange(plaintext_, {}); }

void TlsSession::close() {
  if (state_ == TlsState::kEstablished) {
    api_->SSL_shutdown(ssl_.get());  // queues close_notify; we do not wait for the peer's
    api_->ERR_clear_error();
    drainWriteBio();
  }
  if (state_ != TlsState::kFailed) state_ = TlsState::kClosed;
}

void TlsSession::advance() {
  if (state_ == TlsState::kHandshaking) handshake();
  if (state_ == TlsState::kEstablished) readRecords();
}

void TlsSession::handshake() {
  const int result = api_->SSL_do_handshake(ssl_.get());
  if (result == 1) {
    state_ = TlsState::kEstablished;
    return;
  }
  const int error = api_->SSL_get_error(ssl_.get(), result);
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return;
  if (error == SSL_ERROR_ZERO_RETURN || error == SSL_ERROR_SYSCALL) {
    // End of file (SSL_OP_IGNORE_UNEXPECTED_EOF reports it as ZERO_RETURN).
    return fail("peer closed the connection during the handshake");
  }
  std::string reason = takeOpenSslError();
  fail(reason.empty() ? "handshake failed (SSL error " + std::to_string(error) + ")"
                      : "handshake failed: " + reason);
}

void TlsSession::readRecords() {
  std::array<char, 16384> buffer;
  for (;;) {
    std::size_t count = 0;
    const int result = api_->SSL_read_ex(ssl_.get(), buffer.data(), buffer.size(), &count);
    if (result == 1) {
      const std::size_t room =
          limits_.max_plaintext - std::min(limits_.max_plaintext, plaintext_.size());
      const std::size_t kept = std::min(room, count);
      plaintext_.append(buffer.data(), kept);
      dropped_plaintext_ += count - kept;
      continue;
    }
    const int error = api_->SSL_get_error(ssl_.get(), result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return;
    if (error == SSL_ERROR_ZERO_RETURN) {
      state_ = TlsState::kClosed;
      return;
    }
    return fail("SSL_read: " + takeOpenSslError());
  }
}

void TlsSession::drainWriteBio() {
  if (write_bio_ == nullptr) return;
  char* data = nullptr;
  const long size = api_->BIO_ctrl(write_bio_, BIO_CTRL_INFO, 0, &data);  // BIO_get_mem_data
  if (size <= 0) return;
  outgoing_.append(data, static_cast<std::size_t>(size));
  api_->BIO_ctrl(write_bio_, BIO_CTRL_RESET, 0, nullptr);  // BIO_reset
}

void TlsSession::fail(std::string reason) {
  state_ = TlsState::kFailed;
  failure_ = std::move(reason);
  api_->ERR_clear_error();
}

}  // namespace portlens::detect
