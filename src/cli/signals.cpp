#include "cli/signals.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "core/error.h"

namespace portlens::cli {
namespace {

sigset_t stopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // used only to wake the waiter thread at shutdown
  return set;
}

}  // namespace

StopSignal::StopSignal() {
  sigset_t set = stopSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  waiter_ = std::thread([this, set] {
    while (true) {
      int signal = 0;
      if (sigwait(&set, &signal) != 0) continue;
      if (signal == SIGUSR1 && exiting_.load()) return;
      if (signal == SIGUSR1) continue;
      if (stop_.exchange(true)) _exit(core::kExitInterrupted);  // second Ctrl-C: leave now
    }
  });
}

StopSignal::~StopSignal() {
  exiting_.store(true);
  pthread_kill(waiter_.native_handle(), SIGUSR1);
  waiter_.join();
}

}  // namespace portlens::cli
