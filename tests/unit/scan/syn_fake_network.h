// An in-memory network for SYN engine tests: every SYN the engine sends is read back with the
// real parser and answered like a host would (SYN-ACK, RST or ICMP admin-prohibited quoting
// the probe), with scripted silence and seeded random loss. Thread-safe: the engine sends from
// its sender thread and receives on the calling thread.
//
// Time: the network runs on the test's manual clock and answers at once. Before the clock
// moves (a sleep of the sender), it waits until the receiving thread has read and handled
// every reply queued so far, so replies always arrive "before" the sender's next step: round
// counts, RTTs and send times are the same on every run, whatever the thread scheduling.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <vector>

#include "scan/syn/packet_io.h"
#include "support/manual_clock.h"

namespace portlens::scan::syn::testing {

enum class Answer { kOpen, kClosed, kIcmp, kSilent };

class FakeNetwork final : public PacketIo {
 public:
  // `answer` decides per (target, port); loss_percent drops that share of SYNs at random.
  FakeNetwork(portlens::testing::ManualClock& clock,
              std::function<Answer(const core::IpAddress&, std::uint16_t)> answer,
              double loss_percent = 0, std::uint32_t seed = 1);
  ~FakeNetwork() override;
  FakeNetwork(const FakeNetwork&) = delete;
  FakeNetwork& operator=(const FakeNetwork&) = delete;

  std::size_t send(core::Family family, std::span<const std::uint8_t* const> frames,
                   std::span<const std::size_t> lengths) override;
  std::size_t receive(std::chrono::milliseconds timeout,
                      const std::function<void(std::span<const std::uint8_t>)>& visit) override;

  // Every reply is delivered twice (tests duplicate suppression).
  void duplicateReplies() { duplicate_ = true; }
  // Sets `flag` once this many SYNs were sent (tests interrupts and resume).
  void stopAfter(std::uint64_t probes, std::atomic<bool>* flag) {
    stop_after_ = probes;
    stop_flag_ = flag;
  }
  // Also delivers forged replies with a wrong acknowledgement number for every probe.
  void forgeReplies() { forge_ = true; }

  std::uint64_t synsSent() const;
  // (target text, port) -> how many SYNs it got
  std::map<std::pair<std::string, std::uint16_t>, int> probesPerTarget() const;
  // When each SYN was sent (time since the clock's start), in sending order.
  std::vector<std::chrono::nanoseconds> sendTimes() const;
  // (target text, port) of each SYN, in sending order.
  std::vector<std::pair<std::string, std::uint16_t>> sendOrder() const;

 private:
  std::vector<std::uint8_t> replyTo(const std::vector<std::uint8_t>& syn, Answer answer,
                                    std::uint32_t ack_delta) const;
  // Blocks until every queued reply was received and handled (the clock's hook).
  void waitUntilRead();

  portlens::testing::ManualClock& clock_;
  std::function<Answer(const core::IpAddress&, std::uint16_t)> answer_;
  double loss_percent_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t in_hand_ = 0;  // replies the receiver took and is still handling
  std::vector<std::chrono::nanoseconds> send_times_;
  std::vector<std::pair<std::string, std::uint16_t>> send_order_;
  std::mt19937 random_;
  std::deque<std::vector<std::uint8_t>> queue_;
  std::map<std::pair<std::string, std::uint16_t>, int> probes_;
  std::uint64_t sent_ = 0;
  bool duplicate_ = false;
  bool forge_ = false;
  std::uint64_t stop_after_ = 0;
  std::atomic<bool>* stop_flag_ = nullptr;
};

}  // namespace portlens::scan::syn::testing
