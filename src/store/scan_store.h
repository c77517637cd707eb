// The result store: scans (which double as the persistent job queue), every port record a
// scan found, and API tokens (only their SHA-256 is kept). SQLite (WAL) or PostgreSQL
// (database.h); the schema is the "scans" component's migrations (store_schema.h).
//
// Threading: a ScanStore is one connection and belongs to one thread at a time. The HTTP
// threads take one from a pool; each scan job opens its own. WAL lets readers run while a
// job commits; every write is a short transaction.
//
// Ordering guarantee the live event stream relies on: result rows get increasing `seq`
// (SQLite rowid, PostgreSQL identity) in commit order, because there is one write
// Transaction at a time (SQLite's writer lock, PostgreSQL's advisory lock); a reader that
// remembers the last seq it saw and asks for seq > last sees every row exactly once.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/target_set.h"
#include "scan/records.h"
#include "store/database.h"
#include "store/shard_plan.h"

namespace portlens::store {

// PostgreSQL: storing new rows of a scan notifies this channel with the scan id (as text), in
// the same transaction (delivered at commit), and so does a scan's end (notifyScanChanged).
// Every front end listens (server/scan_signals.h) and wakes the scan's event streams.
inline constexpr std::string_view kResultsChannel = "portlens_results";
// PostgreSQL: queueing a scan's shards notifies this channel with the scan id, so idle
// `portlens worker` processes lease at once instead of at their next poll.
inline constexpr std::string_view kShardsChannel = "portlens_shards";

enum class ScanStatus { kQueued, kRunning, kDone, kFailed, kCancelled };
std::string_view toString(ScanStatus status);
std::optional<ScanStatus> parseScanStatus(std::string_view text);
inline bool isFinal(ScanStatus s) {
  return s == ScanStatus::kDone || s == ScanStatus::kFailed || s == ScanStatus::kCancelled;
}

struct NewScan {
  std::string owner;         // token name, or "" for anonymous callers
  std::string client;        // the caller's address
  std::string targets_text;  // as typed
  scan::ScanType mode = scan::ScanType::kConnect;
  std::string ports_spec;   // compact ranges, e.g. "1-1024,8080"
  std::string ports_label;  // what the user chose: "top1000", "all", the spec as typed
  core::TargetSet targets;  // resolved once by the policy; the job scans exactly these
  std::uint64_t seed = 0;
  double rate = 0;                 // probes per second at most; 0 = unlimited
  bool service_detection = false;  // -sV: open ports are probed and named
  // The split into shards (shard_plan.h): at most this many (host, port) pairs per shard.
  std::uint64_t pairs_per_shard = kDefaultPairsPerShard;
};

struct ScanRow {
  std::int64_t id = 0;
  ScanStatus status = ScanStatus::kQueued;
  std::string owner;
  std::string client;
  std::string targets_text;
  scan::ScanType mode = scan::ScanType::kConnect;
  std::string ports_spec;
  std::uint64_t host_count = 0;
  std::uint64_t port_count = 0;
  std::uint64_t ports_done = 0;  // records stored
  std::uint64_t probes_sent = 0;
  double probes_per_second = 0;
  double eta_seconds = -1;
  scan::StateCounts counts;
  std::int64_t created_ms = 0;
  std::int64_t started_ms = 0;   // 0 = not yet
  std::int64_t finished_ms = 0;  // 0 = not yet
  std::string error;
  std::uint64_t seed = 0;
  bool cancel_requested = false;
  std::uint32_t attempts = 0;  // times a job started it (resumes count)
  double rate = 0;
  std::string ports_label;         // as NewScan; "" for scans stored before the column existed
  bool service_detection = false;  // as NewScan; false for scans stored before the column
};

struct StoredRecord {
  std::int64_t seq = 0;
  scan::PortRecord record;
};

struct TokenRow {
  std::string name;
  std::string hash;   // hex SHA-256 of the secret
  std::string allow;  // comma-separated CIDRs
  bool admin = false;
};

// Stores `records` of scan `scan_id`, each (ip, port) once (the first answer stays); returns
// what was added. Made for the caller's Transaction; on PostgreSQL a savepoint of it (nested
// Transaction) holds the first attempt of the batch.
scan::StateCounts insertResults(Database& db, std::int64_t scan_id,
                                const std::vector<scan::PortRecord>& records);

// After the UPDATE of scan `scan_id`'s row that goes with its results: throws StoreError when
// it changed nothing (the scan was deleted meanwhile), so the caller's transaction is rolled
// back with the rows (SQLite's foreign key refuses them first; PostgreSQL's results keep none,
// store_schema.cpp).
void requireScanUpdated(Database& db, std::int64_t scan_id);

// PostgreSQL: NOTIFY `channel` with the scan id, delivered at the caller's commit. Nothing on
// SQLite, which has no notifications (its readers poll).
void notifyListeners(Database& db, std::string_view channel, std::int64_t scan_id);
// The front ends' event streams learn that scan `scan_id` changed without new rows (it ended):
// notifyListeners on kResultsChannel.
void notifyScanChanged(Database& db, std::int64_t scan_id);

class ScanStore {
 public:
  // Opens (and creates or migrates) the database at `location`: a SQLite path or a
  // postgresql:// URL (database.h). Timestamps (created_ms, started_ms, finished_ms) are
  // `clock`'s wall time.
  ScanStore(const std::string& location, core::Clock& clock);

  // Scans and the queue. A new scan is stored with its shards (shard_store.h).
  std::int64_t insertScan(const NewScan& scan);
  std::optional<ScanRow> scan(std::int64_t id);
  // Newest first; `owner` empty = everyone's; before_id 0 = from the newest.
  std::vector<ScanRow> listScans(const std::optional<std::string>& owner, std::int64_t before_id,
                                 std::size_t limit);
  std::uint64_t countActive(const std::string& owner, const std::string& client);
  // Scans queued and running, everyone's (GET /metrics' queue depth; index scans_status).
  struct QueueDepth {
    std::uint64_t queued = 0;
    std::uint64_t running = 0;
  };
  QueueDepth queueDepth();
  // Finished scans whose completion (a monitor run's findings and alerts) is not processed yet,
  // oldest first, at most 100; and the flag cleared (true when this caller cleared it: call
  // it inside the completion's transaction, so exactly one front end processes each scan).
  std::vector<std::int64_t> pendingCompletions();
  bool clearCompletionPending(std::int64_t id);
  // Marks the oldest queued scan running and returns it (nullopt when the queue is empty).
  // (The single-process queue of before shards; workers lease shards: shard_store.h.)
  std::optional<ScanRow> claimNextQueued();
  // On start-up: scans left `running` by a stopped or crashed server go back to the queue.
  int requeueInterrupted();
  core::TargetSet scanTargets(std::int64_t id);
  void finishScan(std::int64_t id, ScanStatus status, const std::string& error,
                  std::uint64_t probes_sent);
  // Queued scans are cancelled at once (returns true); running ones get cancel_requested
  // and their job stops (returns true). Final scans: false.
  bool requestCancel(std::int64_t id);

  // Results. Duplicate (ip, port) rows of a resumed scan are ignored: the first answer stays.
  // A record's ServiceInfo is stored with it (service_codec) and read back onto the record.
  void appendResults(std::int64_t id, const std::vector<scan::PortRecord>& records,
                     std::uint64_t probes_sent, double probes_per_second, double eta_seconds);
  std::vector<StoredRecord> results(std::int64_t id, const std::set<scan::PortState>& states,
                                    std::int64_t after_seq, std::size_t limit);
  // The (ip, port) pairs both scans stored with another state or service text, each scan's
  // records in one list: what a diff of the two can report, without reading the unchanged rows
  // (a monitor's run compares 256,000 rows of which a handful change).
  struct DifferingResults {
    std::vector<scan::PortRecord> before;
    std::vector<scan::PortRecord> after;
  };
  DifferingResults differingResults(std::int64_t before, std::int64_t after);
  // Stored records per host and state (GROUP BY; costs a pass over the scan's rows).
  std::vector<std::pair<core::IpAddress, scan::StateCounts>> hostCounts(std::int64_t id);
  // Every stored (ip, port) of a scan, for resuming.
  std::vector<std::pair<core::IpAddress, std::uint16_t>> donePorts(std::int64_t id);

  // Tokens.
  void insertToken(const TokenRow& token);
  std::optional<TokenRow> tokenByHash(const std::string& hash);
  std::optional<TokenRow> tokenByName(const std::string& name);

  // For sibling stores on the same connection (monitor_store.h): one transaction can cover a
  // scan's completion and what it changes elsewhere.
  Database& database() { return db_; }
  core::Clock& clock() { return clock_; }

 private:
  ScanRow readScanRow(Statement& st);
  std::int64_t insertScanRow(const NewScan& scan);
  Database db_;
  core::Clock& clock_;
};

}  // namespace portlens::store
