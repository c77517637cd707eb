// Turns SIGINT/SIGTERM into a stop flag the engine polls, so Ctrl-C ends a scan cleanly and
// the output still gets written. A second signal exits at once (code 130). Construct it in
// the main thread before any other thread starts; the signals are blocked process-wide and
// received by a dedicated thread with sigwait, so no handler runs inside the engine's code.
#pragma once

#include <atomic>
#include <thread>

namespace portlens::cli {

class StopSignal {
 public:
  StopSignal();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  const std::atomic<bool>& flag() const { return stop_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<bool> exiting_{false};
  std::thread waiter_;
};

}  // namespace portlens::cli
