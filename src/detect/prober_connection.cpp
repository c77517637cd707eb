#include "detect/prober_connection.h"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <utility>

namespace portlens::detect {

ProberConnection::ProberConnection(const net::SocketAddress& address,
                                   const TlsClientContext* tls_context, std::string server_name)
    : tls_context_(tls_context), server_name_(std::move(server_name)) {
  fd_ = core::UniqueFd(
      ::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
  if (!fd_.valid() ||
      (::connect(fd_.get(), address.get(), address.length) != 0 && errno != EINPROGRESS)) {
    phase_ = Phase::kDead;
  }
}

std::uint32_t ProberConnection::interest() const {
  switch (phase_) {
    case Phase::kConnecting:
      return EPOLLOUT;
    case Phase::kDead:
      return 0;
    default:
      break;
  }
  std::uint32_t events = unread_.empty() && !eof_ ? std::uint32_t{EPOLLIN} : 0u;
  const bool pending = tls_ ? !tls_->outgoing().empty() : !out_.empty();
  if (pending) events |= EPOLLOUT;
  return events;
}

IoOutcome ProberConnection::handle(std::uint32_t events) {
  IoOutcome outcome;
  if (phase_ == Phase::kDead) return outcome;
  if (phase_ == Phase::kConnecting) {
    if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) onConnectDone(outcome);
    return outcome;
  }
  if (events & EPOLLOUT) flush();
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) readSome(outcome);
  if (tls_ && phase_ != Phase::kDead) afterTlsInput(outcome);
  if (phase_ != Phase::kDead) flush();
  return outcome;
}

void ProberConnection::onConnectDone(IoOutcome& outcome) {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
    phase_ = Phase::kDead;
    outcome.failed = true;
    return;
  }
  if (tls_context_ == nullptr) {
    phase_ = Phase::kOpen;
    outcome.ready = true;
    return;
  }
  IoOutcome started = upgrade(*tls_context_);
  outcome.failed = started.failed;
}

IoOutcome ProberConnection::upgrade(const TlsClientContext& context) {
  IoOutcome outcome;
  tls_ = std::make_unique<TlsSession>(context, server_name_);
  phase_ = Phase::kHandshaking;
  afterTlsInput(outcome);
  if (phase_ != Phase::kDead) flush();
  return outcome;
}

void ProberConnection::readSome(IoOutcome& outcome) {
  char buffer[kReadPiece];
  std::size_t total = 0;
  while (total < kReadBudget && unread_.empty() && !eof_) {
    const ssize_t count = ::recv(fd_.get(), buffer, sizeof buffer, 0);
    if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (count <= 0) {  // end of file, or reset: both end the answer
      eof_ = true;
      if (tls_) {
        tls_->receiveEof();
      } else {
        outcome.closed = true;
        phase_ = Phase::kDead;
      }
      return;
    }
    total += static_cast<std::size_t>(count);
    const std::string_view piece(buffer, static_cast<std::size_t>(count));
    if (!tls_) {
      outcome.data.append(piece);
      continue;
    }
    const std::size_t taken = tls_->receive(piece);
    if (taken < piece.size()) unread_.assign(piece.substr(taken));  // backpressure
    afterTlsInput(outcome);
    if (phase_ == Phase::kDead) return;
  }
}

// Moves the session forward after input: handshake done, plaintext out, failure or close.
void ProberConnection::afterTlsInput(IoOutcome& outcome) {
  if (!unread_.empty()) unread_.erase(0, tls_->receive(unread_));
  const TlsState state = tls_->state();
  if (phase_ == Phase::kHandshaking && state == TlsState::kEstablished) {
    phase_ = Phase::kOpen;
    outcome.ready = true;
  }
  outcome.data += tls_->takePlaintext();
  if (state == TlsState::kFailed || state == TlsState::kClosed || (eof_ && unread_.empty())) {
    if (phase_ == Phase::kHandshaking) {
      outcome.failed = true;
    } else {
      outcome.closed = true;
    }
    phase_ = Phase::kDead;
  }
}

void ProberConnection::send(std::string_view bytes) {
  if (phase_ != Phase::kOpen) return;
  if (tls_) {
    tls_->write(bytes);
  } else {
    out_.append(bytes);
  }
  flush();
}

void ProberConnection::flush() {
  while (true) {
    const std::string_view pending = tls_ ? tls_->outgoing() : std::string_view(out_);
    if (pending.empty()) return;
    const ssize_t sent = ::send(fd_.get(), pending.data(), pending.size(), MSG_NOSIGNAL);
    if (sent <= 0) return;  // EAGAIN: epoll says when; an error shows up as EPOLLERR on read
    if (tls_) {
      tls_->consumeOutgoing(static_cast<std::size_t>(sent));
    } else {
      out_.erase(0, static_cast<std::size_t>(sent));
    }
  }
}

}  // namespace portlens::detect
