// Which scans' results changed, as PostgreSQL tells every front end (LISTEN portlens_results,
// store/change_listener.h; the writers notify with the scan id when they commit rows, and when
// a scan ends): event streams re-read the store as soon as their scan changed, on whichever
// front end the worker's writes landed, instead of at their next poll.
//
// Each scan id maps to one of kSlots counters, bumped per notification; a stream keeps the
// value it last saw and compares. Two scans sharing a slot only cost a spurious re-read, and
// the memory stays fixed however many scans are ever notified. listening() is false until a
// LISTEN is in place and again while its connection is lost: streams then poll on their own
// (notifications sent meanwhile are not delivered; bumpAll() on reconnect re-reads everyone).
//
// Threads: one listener thread calls notify()/bumpAll()/setListening(); any thread reads.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string_view>

namespace portlens::server {

class ScanSignals {
 public:
  static constexpr std::size_t kSlots = 1024;

  // A notification's payload (the scan id in decimal); anything else moves every slot, as a
  // payload we cannot read may still be about a scan being watched. Returns the scan id, or
  // nullopt for "everyone".
  std::optional<std::int64_t> notify(std::string_view payload);
  void notify(std::int64_t scan_id) { bump(slot(scan_id)); }
  void bumpAll();
  std::uint64_t generation(std::int64_t scan_id) const {
    return slots_[slot(scan_id)].load(std::memory_order_acquire);
  }

  void setListening(bool on) { listening_.store(on, std::memory_order_release); }
  bool listening() const { return listening_.load(std::memory_order_acquire); }

 private:
  static std::size_t slot(std::int64_t scan_id) {
    return static_cast<std::size_t>(static_cast<std::uint64_t>(scan_id) % kSlots);
  }
  void bump(std::size_t index) { slots_[index].fetch_add(1, std::memory_order_acq_rel); }

  std::array<std::atomic<std::uint64_t>, kSlots> slots_{};
  std::atomic<bool> listening_{false};
};

}  // namespace portlens::server
