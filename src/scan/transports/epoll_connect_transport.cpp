#include "scan/transports/epoll_connect_transport.h"

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
#include "scan/transports/probe_socket.h"

namespace portlens::scan {
namespace {}  // namespace

EpollConnectTransport::EpollConnectTransport(std::uint32_t capacity, core::Clock& clock)
    : clock_(clock), epoll_(epoll_create1(EPOLL_CLOEXEC)), fds_(capacity, -1), targets_(capacity) {
  if (!epoll_.valid()) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  immediate_.reserve(64);
}

StartStatus EpollConnectTransport::start(std::uint32_t slot, const core::IpAddress& address,
                                         std::uint16_t port) {
  targets_[slot] = {address, port};
  const auto target = net::toSocketAddress(address, port);
  const int fd = openProbeSocket(address, Blocking::kNo);
  if (fd < 0) {
    if (isResourceShortage(-fd)) return StartStatus::kBusy;
    throw std::system_error(-fd, std::generic_category(), "socket");
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
    finish(slot, error, clock_.now(), immediate_);
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

void EpollConnectTransport::abandon(std::uint32_t slot) {
  std::erase(retry_, slot);
  std::erase_if(immediate_, [slot](const ProbeAnswer& a) { return a.slot == slot; });
  if (fds_[slot] >= 0) {
    ::close(fds_[slot]);  // closing also removes it from the epoll set
    fds_[slot] = -1;
  }
}

void EpollConnectTransport::finish(std::uint32_t slot, int error, core::Clock::SteadyTime seen,
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
    setResetOnClose(fd);
  }
  ::close(fd);
  fds_[slot] = -1;
  answers.push_back({slot, result.state, result.reason, seen});
}

void EpollConnectTransport::finishWithError(std::uint32_t slot, core::Clock::SteadyTime seen,
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

void EpollConnectTransport::poll(std::chrono::nanoseconds timeout,
                                 std::vector<ProbeAnswer>& answers) {
  for (std::uint32_t slot : std::exchange(retry_, {})) {
    if (start(slot, targets_[slot].address, targets_[slot].port) == StartStatus::kBusy) {
      answers.push_back({slot, PortState::kFiltered, Reason::kLocalError, clock_.now()});
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
  const auto seen = clock_.now();
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
