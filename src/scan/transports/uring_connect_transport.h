// TCP connect() probes driven by io_uring: the socket is made with one plain syscall (so a
// shortage of fds shows at once), the connect and the close are queued on the ring and
// submitted in batches with the wait for completions. Measured 1.8-2.3x faster than epoll for
// the same work (bench/connect_io_bench); results are the same as EpollConnectTransport's
// (same ICMP error-queue reasons, self-connect check, reset on close).
// create() returns nullptr when the kernel refuses io_uring (disabled, seccomp, too old), and
// the caller falls back to epoll.
#pragma once

#include <liburing.h>

#include <memory>
#include <vector>

#include "core/clock.h"
#include "net/socket_address.h"
#include "scan/transport.h"

namespace portlens::scan {

class UringConnectTransport final : public Transport {
 public:
  // `clock` stamps answers (ProbeAnswer::seen); it must be the engine's clock.
  static std::unique_ptr<UringConnectTransport> create(std::uint32_t capacity, core::Clock& clock);
  ~UringConnectTransport() override;
  UringConnectTransport(const UringConnectTransport&) = delete;
  UringConnectTransport& operator=(const UringConnectTransport&) = delete;

  std::uint32_t capacity() const override { return static_cast<std::uint32_t>(slots_.size()); }
  StartStatus start(std::uint32_t slot, const core::IpAddress& address,
                    std::uint16_t port) override;
  void abandon(std::uint32_t slot) override;
  void poll(std::chrono::nanoseconds timeout, std::vector<ProbeAnswer>& answers) override;

 private:
  struct Slot {
    int fd = -1;
    std::uint32_t generation = 0;  // tells this probe's completion from an abandoned one's
    core::IpAddress address;
    std::uint16_t port = 0;
    net::SocketAddress target;  // must stay valid until the kernel has read it
  };

  UringConnectTransport(std::uint32_t capacity, core::Clock& clock);
  io_uring_sqe* nextSqe();
  void queueClose(int fd);
  void complete(std::uint32_t slot, int result, core::Clock::SteadyTime seen,
                std::vector<ProbeAnswer>& answers);

  core::Clock& clock_;
  io_uring ring_{};
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> restart_;  // slots whose probe connected to itself
};

}  // namespace portlens::scan
