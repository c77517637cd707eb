#include "scan/transports/connect_transport.h"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "net/socket_address.h"
#include "scan/transports/icmp_reason.h"

namespace portlens::scan {
namespace {

using Clock = std::chrono::steady_clock;

// Reads one ICMP error the kernel queued on the socket (IP_RECVERR). Returns false when the
// queue holds none, i.e. the error came from TCP itself (a reset).
bool readIcmpError(int fd, StateAndReason& out) {
  char control[512];
  char data[64];
  iovec iov{data, sizeof(data)};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    bool v4 = c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR;
    bool v6 = c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR;
    if (!v4 && !v6) continue;
    sock_extended_err err;
    std::memcpy(&err, CMSG_DATA(c), sizeof(err));
    if (err.ee_origin == SO_EE_ORIGIN_ICMP) {
      out = fromIcmp4(err.ee_type, err.ee_code);
      return true;
    }
    if (err.ee_origin == SO_EE_ORIGIN_ICMP6) {
      out = fromIcmp6(err.ee_type, err.ee_code);
      return true;
    }
  }
  return false;
}

bool isResourceShortage(int error) {
  return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM ||
         error == EADDRNOTAVAIL || error == EAGAIN;
}

}  // namespace

ConnectTransport::ConnectTransport(std::uint32_t capacity)
    : epoll_(epoll_create1(EPOLL_CLOEXEC)), fds_(capacity, -1), targets_(capacity) {
  if (!epoll_.valid()) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  immediate_.reserve(64);
}

StartStatus ConnectTransport::start(std::uint32_t slot, const core::IpAddress& address,
                                    std::uint16_t port) {
  targets_[slot] = {address, port};
  const auto target = net::toSocketAddress(address, port);
  int fd = socket(target.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) {
    if (isResourceShortage(errno)) return StartStatus::kBusy;
    throw std::system_error(errno, std::generic_category(), "socket");
  }
  // Ask for ICMP errors on the socket's error queue: that is how a connect scan learns *why*
  // a port is unreachable (admin-prohibited, port-unreach, ...) instead of a bare errno.
  int on = 1;
  if (address.isV4()) {
    setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on));
  } else {
    setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &on, sizeof(on));
  }

  const int rc = connect(fd, target.get(), target.length);
  if (rc == 0 || errno != EINPROGRESS) {
    // Loopback can finish (or refuse) the handshake inside connect() itself.
    const int error = rc == 0 ? 0 : errno;
    if (error != 0 && isResourceShortage(error)) {
      ::close(fd);
      return StartStatus::kBusy;
    }
    fds_[slot] = fd;
    finish(slot, error, Clock::now(), immediate_);
    return StartStatus::kStarted;
  }
  epoll_event event{};
  event.events = EPOLLOUT;
  event.data.u32 = slot;
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
    int error = errno;
    ::close(fd);
    if (isResourceShortage(error) || error == ENOSPC) return StartStatus::kBusy;
    throw std::system_error(error, std::generic_category(), "epoll_ctl");
  }
  fds_[slot] = fd;
  return StartStatus::kStarted;
}

void ConnectTransport::abandon(std::uint32_t slot) {
  std::erase(retry_, slot);
  std::erase_if(immediate_, [slot](const ProbeAnswer& a) { return a.slot == slot; });
  if (fds_[slot] >= 0) {
    ::close(fds_[slot]);  // closing also removes it from the epoll set
    fds_[slot] = -1;
  }
}

// A connect to a loopback port nobody listens on can pick that same port as its ephemeral
// source and "succeed" by simultaneous open. That socket talks to itself; it says nothing
// about the port, so the probe is started again (a new socket gets another source port).
bool ConnectTransport::isSelfConnect(int fd) const {
  sockaddr_storage local{};
  sockaddr_storage peer{};
  socklen_t local_length = sizeof(local);
  socklen_t peer_length = sizeof(peer);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0 ||
      getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0) {
    return false;
  }
  return local_length == peer_length && std::memcmp(&local, &peer, local_length) == 0;
}

void ConnectTransport::finish(std::uint32_t slot, int error, Clock::time_point seen,
                              std::vector<ProbeAnswer>& answers) {
  int fd = fds_[slot];
  StateAndReason result = fromConnectErrno(error);
  if (error != 0) {
    // ECONNREFUSED is a reset *or* an ICMP port-unreachable; EHOSTUNREACH covers several
    // ICMP codes. The error queue says which.
    readIcmpError(fd, result);
  } else if (isSelfConnect(fd)) {
    ::close(fd);
    fds_[slot] = -1;
    retry_.push_back(slot);
    return;
  } else {
    // Open: leave with a reset so neither side keeps TIME_WAIT state.
    linger hard_close{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard_close, sizeof(hard_close));
  }
  ::close(fd);
  fds_[slot] = -1;
  answers.push_back({slot, result.state, result.reason, seen});
}

void ConnectTransport::finishWithError(std::uint32_t slot, Clock::time_point seen,
                                       std::vector<ProbeAnswer>& answers) {
  int fd = fds_[slot];
  StateAndReason result{PortState::kClosed, Reason::kConnRefused};
  if (!readIcmpError(fd, result)) {
    // No ICMP error queued: the error is TCP's own. In SYN_SENT that is a reset (refused);
    // our sockets never live long enough for the kernel's own timeout.
    int error = 0;
    socklen_t length = sizeof(error);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0 && error != ECONNREFUSED) result = fromConnectErrno(error);
  }
  ::close(fd);
  fds_[slot] = -1;
  answers.push_back({slot, result.state, result.reason, seen});
}

void ConnectTransport::poll(std::chrono::nanoseconds timeout, std::vector<ProbeAnswer>& answers) {
  for (std::uint32_t slot : std::exchange(retry_, {})) {
    if (start(slot, targets_[slot].address, targets_[slot].port) == StartStatus::kBusy) {
      answers.push_back({slot, PortState::kFiltered, Reason::kLocalError, Clock::now()});
    }
  }
  if (!immediate_.empty()) {
    answers.insert(answers.end(), immediate_.begin(), immediate_.end());
    immediate_.clear();
    timeout = std::chrono::nanoseconds(0);
  }
  constexpr int kMaxEvents = 1024;
  epoll_event events[kMaxEvents];
  // epoll_wait has millisecond resolution: round up so a short wait does not spin.
  long long ms = (timeout.count() + 999'999) / 1'000'000;
  int n = epoll_wait(epoll_.get(), events, kMaxEvents, static_cast<int>(std::min(ms, 1000LL)));
  if (n < 0) {
    if (errno == EINTR) return;
    throw std::system_error(errno, std::generic_category(), "epoll_wait");
  }
  const auto seen = Clock::now();
  for (int i = 0; i < n; ++i) {
    std::uint32_t slot = events[i].data.u32;
    if ((events[i].events & EPOLLERR) != 0) {
      finishWithError(slot, seen, answers);
    } else {
      finish(slot, 0, seen, answers);
    }
  }
  last_poll_full_ = n == kMaxEvents;
}

}  // namespace portlens::scan
