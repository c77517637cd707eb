// TCP connect() probes without privileges: one non-blocking socket per probe, completions
// from epoll. The kernel does the handshake; the state comes from the connect result, and
// IP_RECVERR / IPV6_RECVERR tell ICMP errors (filtered, with nmap's reason) apart from a real
// TCP reset (closed). An open port's socket is closed with an RST (SO_LINGER 0), so a scan
// leaves no TIME_WAIT behind and the target's services see a reset, not a session.
#pragma once

#include <vector>

#include "core/clock.h"
#include "net/unique_fd.h"
#include "scan/transport.h"

namespace portlens::scan {

class EpollConnectTransport final : public Transport {
 public:
  // `capacity` probes in flight at most; it must fit the process's file-descriptor limit.
  // `clock` stamps answers (ProbeAnswer::seen); it must be the engine's clock.
  EpollConnectTransport(std::uint32_t capacity, core::Clock& clock);

  std::uint32_t capacity() const override { return static_cast<std::uint32_t>(fds_.size()); }
  StartStatus start(std::uint32_t slot, const core::IpAddress& address,
                    std::uint16_t port) override;
  void abandon(std::uint32_t slot) override;
  void poll(std::chrono::nanoseconds timeout, std::vector<ProbeAnswer>& answers) override;
  bool moreReady() const override { return last_poll_full_; }

 private:
  struct Target {
    core::IpAddress address;
    std::uint16_t port = 0;
  };

  // connect() completed without error (or returned 0 at once): open, unless it connected to
  // itself.
  void finish(std::uint32_t slot, int error, core::Clock::SteadyTime seen,
              std::vector<ProbeAnswer>& answers);
  // epoll reported an error: an ICMP error (from the error queue) or TCP's reset.
  void finishWithError(std::uint32_t slot, core::Clock::SteadyTime seen,
                       std::vector<ProbeAnswer>& answers);

  core::Clock& clock_;
  net::UniqueFd epoll_;
  std::vector<int> fds_;                // per slot; -1 when free
  std::vector<Target> targets_;         // per slot, for restarting a self-connected probe
  std::vector<ProbeAnswer> immediate_;  // answers known when connect() returned
  std::vector<std::uint32_t> retry_;    // slots whose probe connected to itself
  bool last_poll_full_ = false;
};

}  // namespace portlens::scan
