// Waits for PostgreSQL notifications (LISTEN/NOTIFY) on one channel, e.g. kResultsChannel
// (scan_store.h: appendResults notifies it with the scan id). Holds its own connection,
// separate from any store, since a listening session must stay idle between waits.
//
// wait() blocks up to `timeout` on the connection's socket and returns the payloads that
// arrived (empty on timeout). Notifications are delivered at commit and may be merged by the
// server when identical, so a waiter re-reads the store after waking, never counts wake-ups.
// SQLite has no notifications: callers poll instead (server/event_stream.*).
//
// Threads: one thread at a time. Errors: StoreError, also for a lost connection (reopen).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace portlens::store {

class ChangeListener {
 public:
  // `url` must be a postgresql:// URL (database.h).
  ChangeListener(const std::string& url, std::string_view channel);
  ~ChangeListener();
  ChangeListener(const ChangeListener&) = delete;
  ChangeListener& operator=(const ChangeListener&) = delete;

  std::vector<std::string> wait(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace portlens::store
