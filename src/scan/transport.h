// How probes reach the network. The engine decides what to probe, when, and how often; a
// Transport only starts a probe in a numbered slot, reports answers, and forgets a slot the
// engine gave up on. All calls come from the engine's single thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "core/ip_address.h"
#include "scan/records.h"

namespace portlens::scan {

struct ProbeAnswer {
  std::uint32_t slot = 0;
  PortState state = PortState::kFiltered;
  Reason reason = Reason::kNoResponse;
  std::chrono::steady_clock::time_point seen;  // when the answer was read
};

enum class StartStatus : std::uint8_t {
  kStarted,  // in flight; an answer (if any) comes from poll()
  kBusy,     // a local resource ran out (file descriptors, ephemeral ports): try again later
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Slots are 0..capacity()-1; the engine never has more probes in flight than that.
  virtual std::uint32_t capacity() const = 0;
  // Starts probing address:port in `slot` (which is free). Answers known at once are queued
  // and returned by the next poll().
  virtual StartStatus start(std::uint32_t slot, const core::IpAddress& address,
                            std::uint16_t port) = 0;
  // Forgets the probe in `slot` (timed out, or the scan stops); no answer will follow.
  virtual void abandon(std::uint32_t slot) = 0;
  // Waits at most `timeout` for answers and appends them to `answers`.
  virtual void poll(std::chrono::nanoseconds timeout, std::vector<ProbeAnswer>& answers) = 0;
  // True when the last poll() may have left answers behind (it returned a full batch). The
  // engine drains them before it expires timeouts, so a slow loop never times out a probe
  // whose answer is already waiting.
  virtual bool moreReady() const { return false; }
};

}  // namespace portlens::scan
