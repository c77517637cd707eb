#include "scan/transports/uring_connect_transport.h"

#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

#include "scan/transports/probe_socket.h"

namespace portlens::scan {
namespace {

// user_data layout: generation (32 bits) | slot (31 bits) | connect flag (1 bit). Closes and
// cancels carry 0 and their completions are ignored.
std::uint64_t connectTag(std::uint32_t slot, std::uint32_t generation) {
  return (std::uint64_t{generation} << 32) | (std::uint64_t{slot} << 1) | 1;
}

}  // namespace

std::unique_ptr<UringConnectTransport> UringConnectTransport::create(std::uint32_t capacity,
                                                                     core::Clock& clock) {
  std::unique_ptr<UringConnectTransport> transport(new UringConnectTransport(capacity, clock));
  // Room for every probe's connect completion plus the close and cancel completions that a
  // round can add, so the completion queue never overflows.
  io_uring_params params{};
  params.flags = IORING_SETUP_CQSIZE;
  params.cq_entries = 4 * capacity;
  if (io_uring_queue_init_params(1024, &transport->ring_, &params) != 0) return nullptr;
  return transport;
}

UringConnectTransport::UringConnectTransport(std::uint32_t capacity, core::Clock& clock)
    : clock_(clock), slots_(capacity) {
  ring_.ring_fd = -1;
}

UringConnectTransport::~UringConnectTransport() {
  if (ring_.ring_fd < 0) return;
  // The last round's closes (and cancels) may still sit in the submission queue: exiting the
  // ring drops them unsubmitted, and their sockets stayed open for the life of the process
  // (serve and workers run one transport per shard: ~50 sockets a shard, until the file limit
  // refused new scans). Submitted, the closes run before this call returns.
  io_uring_submit(&ring_);
  io_uring_queue_exit(&ring_);  // cancels what is in flight
  for (auto& slot : slots_) {
    if (slot.fd >= 0) ::close(slot.fd);
  }
}

io_uring_sqe* UringConnectTransport::nextSqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {  // submission queue full: hand it to the kernel and retry
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

void UringConnectTransport::queueClose(int fd) {
  io_uring_sqe* sqe = nextSqe();
  io_uring_prep_close(sqe, fd);
  io_uring_sqe_set_data64(sqe, 0);
}

StartStatus UringConnectTransport::start(std::uint32_t slot, const core::IpAddress& address,
                                         std::uint16_t port) {
  const int fd = openProbeSocket(address, Blocking::kYes);
  if (fd < 0) {
    if (isResourceShortage(-fd)) return StartStatus::kBusy;
    throw std::system_error(-fd, std::generic_category(), "socket");
  }
  Slot& s = slots_[slot];
  s.fd = fd;
  s.address = address;
  s.port = port;
  s.target = net::toSocketAddress(address, port);
  io_uring_sqe* sqe = nextSqe();
  io_uring_prep_connect(sqe, fd, s.target.get(), s.target.length);
  io_uring_sqe_set_data64(sqe, connectTag(slot, s.generation));
  return StartStatus::kStarted;
}

void UringConnectTransport::abandon(std::uint32_t slot) {
  std::erase(restart_, slot);
  Slot& s = slots_[slot];
  if (s.fd < 0) return;
  // The pending connect holds its own reference to the socket: cancel it, then close the fd.
  io_uring_sqe* cancel = nextSqe();
  io_uring_prep_cancel64(cancel, connectTag(slot, s.generation), 0);
  io_uring_sqe_set_data64(cancel, 0);
  queueClose(s.fd);
  s.fd = -1;
  ++s.generation;
}

void UringConnectTransport::complete(std::uint32_t slot, int result, core::Clock::SteadyTime seen,
                                     std::vector<ProbeAnswer>& answers) {
  Slot& s = slots_[slot];
  const int fd = std::exchange(s.fd, -1);
  ++s.generation;
  StateAndReason outcome = fromConnectErrno(-result);
  if (result == 0) {
    // io_uring's connect completion can report success for a socket that an ICMP error
    // aborted (measured in the lab: admin-prohibited ports came back "open"), so success
    // counts only with no queued ICMP error and a connected peer.
    if (readIcmpError(fd, outcome)) {
      result = -EHOSTUNREACH;
    } else if (!isConnected(fd)) {
      outcome = fromConnectErrno(pendingSocketError(fd, ECONNREFUSED));
      result = -ECONNREFUSED;
    } else if (isSelfConnect(fd)) {
      ::close(fd);
      restart_.push_back(slot);
      return;
    } else {
      setResetOnClose(fd);
    }
  } else if (result == -ECONNREFUSED || result == -EHOSTUNREACH || result == -ENETUNREACH) {
    readIcmpError(fd, outcome);  // a reset, or which ICMP error
  }
  queueClose(fd);
  answers.push_back({slot, outcome.state, outcome.reason, seen});
}

void UringConnectTransport::poll(std::chrono::nanoseconds timeout,
                                 std::vector<ProbeAnswer>& answers) {
  for (std::uint32_t slot : std::exchange(restart_, {})) {
    if (start(slot, slots_[slot].address, slots_[slot].port) == StartStatus::kBusy) {
      answers.push_back({slot, PortState::kFiltered, Reason::kLocalError, clock_.now()});
    }
  }
  __kernel_timespec wait{};
  wait.tv_sec = timeout.count() / 1'000'000'000;
  wait.tv_nsec = timeout.count() % 1'000'000'000;
  io_uring_cqe* cqe = nullptr;
  int rc = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &wait, nullptr);
  if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EBUSY) {
    throw std::system_error(-rc, std::generic_category(), "io_uring_submit_and_wait_timeout");
  }
  const auto seen = clock_.now();
  unsigned head = 0;
  unsigned count = 0;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    ++count;
    const std::uint64_t tag = io_uring_cqe_get_data64(cqe);
    if ((tag & 1) == 0) continue;  // a close or a cancel
    const auto slot = static_cast<std::uint32_t>((tag >> 1) & 0x7fffffff);
    const auto generation = static_cast<std::uint32_t>(tag >> 32);
    if (slot >= slots_.size() || slots_[slot].generation != generation || slots_[slot].fd < 0) {
      continue;  // the engine already gave up on this probe
    }
    complete(slot, cqe->res, seen, answers);
  }
  io_uring_cq_advance(&ring_, count);
}

}  // namespace portlens::scan
