// The live event stream of one scan (text/event-stream).
//
// EventHub keeps, per scan being streamed, one shared log of already formatted port events,
// refreshed from the store at most every 100 ms by whichever stream polls first, and at once
// when the scan's signal moved (scan_signals.h: PostgreSQL notified that it changed). A
// hundred clients watching one scan thus cost one store query and one JSON rendering per
// record, not a hundred. Logs stop growing at kMaxLoggedEvents (beyond that, cursors read the store
// themselves) and are dropped 30 s after their last reader. Both intervals are measured on the
// hub's clock.
//
// EventCursor is one client's position: poll() returns the Server-Sent Events for records
// since the last poll, a progress event when the scan's progress changed, and a final `end`
// event once the scan is final and every record has been sent. Port events carry the
// record's seq as their SSE id, so a client that reconnects with Last-Event-ID (or ?after=)
// continues without gaps or repeats; the store's seq order (scan_store.h) makes "every record
// exactly once" hold, also across server restarts.
//   event: port      data: the CLI's ndjson port record
//   event: progress  data: the GET /api/v1/scans/{id} object
//   event: end       data: the same object, final
// Threads: EventHub is shared by the HTTP threads (internally locked); a cursor is used by
// one stream's session at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "registry/port_registry.h"
#include "scan/records.h"
#include "store/scan_store.h"

namespace portlens::server {

class EventHub {
 public:
  static constexpr std::size_t kMaxLoggedEvents = 1 << 18;

  static constexpr auto kRefreshEvery = std::chrono::milliseconds(100);
  static constexpr auto kForgetAfter = std::chrono::seconds(30);

  EventHub(const registry::PortRegistry& registry, core::Clock& clock)
      : registry_(registry), clock_(clock) {}

  struct Entry {
    std::int64_t seq;
    scan::PortState state;
    std::string text;  // the whole SSE event
  };
  struct Log {
    std::mutex mutex;
    std::vector<Entry> entries;         // ascending seq
    std::int64_t max_seq = 0;           // highest seq read from the store
    bool truncated = false;             // hit kMaxLoggedEvents: readers past the end use the store
    std::optional<store::ScanRow> row;  // read before the entries of the same refresh
    core::Clock::SteadyTime refreshed{};
    core::Clock::SteadyTime used{};
    std::uint64_t signal = 0;  // the scan's signal when it was last refreshed
  };

  // The log of `scan_id`, refreshed when older than 100 ms or when `signal` (the scan's
  // ScanSignals generation, read before this call; 0 without notifications) is newer than the
  // one of its last refresh.
  std::shared_ptr<Log> refreshed(std::int64_t scan_id, store::ScanStore& store,
                                 std::uint64_t signal = 0);
  std::string formatPort(const store::StoredRecord& record) const;

 private:
  const registry::PortRegistry& registry_;
  core::Clock& clock_;
  std::mutex mutex_;
  std::map<std::int64_t, std::shared_ptr<Log>> logs_;
};

class EventCursor {
 public:
  EventCursor(std::int64_t scan_id, std::set<scan::PortState> states, std::int64_t after_seq)
      : scan_id_(scan_id), states_(std::move(states)), after_(after_seq) {}

  // Appends new events to `out`. Returns true when more are waiting (call again now).
  // `signal` as for EventHub::refreshed.
  bool poll(store::ScanStore& store, EventHub& hub, std::string& out, std::uint64_t signal = 0);
  bool finished() const { return finished_; }

 private:
  std::int64_t scan_id_;
  std::set<scan::PortState> states_;
  std::int64_t after_;
  std::string last_progress_;
  bool finished_ = false;
};

}  // namespace portlens::server
