// Whether a SYN scan queued now would be run. Since privilege separation the web process never
// holds CAP_NET_RAW, so its own raw-socket check says nothing: a SYN scan runs when a live
// worker with the "syn" capability exists in the store's workers table (serve's SYN runner
// process, or, with `serve --workers 0`, a `portlens worker` with raw sockets), whichever
// front end asks (store/shard_store.h, liveWorkerCan).
//
// One query per answer. A yes is kept for kKeepYes on the injected clock (a front end taking
// many SYN scans asks the store once per period); a no is not kept, so a runner that has just
// registered is seen by the next request. Thread-safe (called on the HTTP threads).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>

#include "core/clock.h"
#include "server/store_pool.h"

namespace portlens::server {

class SynRunners {
 public:
  static constexpr auto kKeepYes = std::chrono::seconds(2);

  SynRunners(StorePool& pool, core::Clock& clock) : pool_(pool), clock_(clock) {}

  bool available();

 private:
  StorePool& pool_;
  core::Clock& clock_;
  std::mutex mutex_;
  std::optional<core::Clock::SteadyTime> yes_until_;
};

}  // namespace portlens::server
