// The live event stream of one scan (text/event-stream), as a cursor over the store: each
// poll() returns the Server-Sent Events for records stored since the last one, a progress
// event when the scan's progress changed, and a final `end` event once the scan is final and
// every record has been sent. Port events carry the record's seq as their SSE id, so a client
// that reconnects with Last-Event-ID (or ?after=) continues without gaps or repeats; the
// store's seq order (scan_store.h) makes "every record exactly once" hold across restarts.
//   event: port      data: the CLI's ndjson port record
//   event: progress  data: the GET /api/v1/scans/{id} object
//   event: end       data: the same object, final
// Called from one HTTP thread at a time (the stream's session).
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "registry/port_registry.h"
#include "scan/records.h"
#include "store/scan_store.h"

namespace portlens::server {

class EventCursor {
 public:
  EventCursor(std::int64_t scan_id, std::set<scan::PortState> states, std::int64_t after_seq)
      : scan_id_(scan_id), states_(std::move(states)), after_(after_seq) {}

  // Appends new events to `out`. Returns true when more rows are waiting (call again now).
  bool poll(store::ScanStore& store, const registry::PortRegistry& registry, std::string& out);
  bool finished() const { return finished_; }

 private:
  std::int64_t scan_id_;
  std::set<scan::PortState> states_;
  std::int64_t after_;
  std::string last_progress_;
  bool finished_ = false;
};

}  // namespace portlens::server
