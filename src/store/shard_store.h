// Scan shards as leased rows, and the workers that lease them (issue 12).
//
// Every scan is split into shards when it is inserted (shard_plan.h). A worker registers
// (workers row), heartbeats, and leases one shard at a time: the oldest queued shard, or one
// whose lease ran out (lease_until_ms < now: its worker died), of a scan that is queued or
// running and not being cancelled, in a mode the worker can run (SYN needs "syn"). The first
// lease makes the scan `running`; whoever completes the last shard finishes the scan `done`
// (one transaction, so exactly once). Results go in with the scan's unique (scan_id, ip, port):
// a shard taken over from a dead worker probes again only what is not stored.
//
// A finished scan (done, failed, cancelled: by a worker or by the API) gets
// scans.completion_pending = 1; the front end finishes it (a monitor run's findings and
// alerts, server/monitor_completion.h) and clears the flag in the same transaction, whoever
// ran the scan.
//
// SQL is portable (SQLite now, PostgreSQL after the store-interface merge): ?N placeholders,
// BIGINT, DOUBLE PRECISION, ON CONFLICT, RETURNING; the lease claim has one string per backend.
// Threading: as ScanStore (one connection, one thread at a time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/scan_store.h"
#include "store/shard_plan.h"

namespace portlens::store {

// What a worker may run. Connect always; SYN when it holds raw sockets.
struct Capabilities {
  bool connect = true;
  bool syn = false;
  // "connect", "syn" or "connect,syn" (the workers table and GET /api/v1/workers).
  std::string toString() const {
    if (connect && syn) return "connect,syn";
    return syn ? "syn" : "connect";
  }
};

struct WorkerInfo {
  std::string name;
  std::string address;  // where it runs (host name or address; informational)
  Capabilities capabilities;
  std::int64_t lease_ms = 15000;  // its leases' length; heartbeats come every third of it
};

struct Lease {
  std::int64_t scan_id = 0;
  std::int64_t shard_index = 0;
  std::int64_t shard_count = 1;
  ShardRange range;
  std::int64_t leases = 1;   // times this shard was leased, this one included
  bool first_lease = false;  // this lease started the scan (queued -> running)
};

struct WorkerRow {
  std::string name;
  std::string address;
  std::string capabilities;
  std::int64_t started_ms = 0;
  std::int64_t heartbeat_ms = 0;
  std::int64_t lease_ms = 0;
  double probes_per_second = 0;
  std::uint64_t leases_held = 0;  // shards leased now (lease not expired)
  bool alive = false;             // heartbeat within its lease length
};

enum class ShardEnd { kLost, kShardDone, kScanDone };

class ShardStore {
 public:
  explicit ShardStore(ScanStore& scans);

  // Inserts the scan's shards (no transaction of its own: insertScan holds one).
  void insertShards(std::int64_t scan_id, scan::ScanType mode,
                    const std::vector<ShardRange>& ranges);

  // Registers (or re-registers) a worker; leases its name still holds are released, since a
  // worker of the same name that starts again lost what it was running. Returns how many.
  int registerWorker(const WorkerInfo& worker);
  // Heartbeat: the worker's row, and its lease on each shard it runs renewed to now +
  // lease_ms. Returns the shards (scan_id, shard_index) whose lease it no longer holds.
  std::vector<std::pair<std::int64_t, std::int64_t>> heartbeat(
      const WorkerInfo& worker, double probes_per_second,
      const std::vector<std::pair<std::int64_t, std::int64_t>>& running);

  // Leases the next shard this worker can run, or nullopt. `postgres` selects the claim's
  // SQL (FOR UPDATE SKIP LOCKED there; SQLite serialises through BEGIN IMMEDIATE).
  std::optional<Lease> lease(const WorkerInfo& worker);

  // Records of one shard run: stored once per (ip, port), the scan's counts and probes grow
  // by what this shard added, its rate and ETA merge every running shard's.
  void appendShardResults(const Lease& lease, const std::vector<scan::PortRecord>& records,
                          std::uint64_t probes_delta, double probes_per_second);

  // The shard is done, with its last `records` and probes (as appendShardResults, in the same
  // transaction). kLost when this worker no longer held it (another took it over; the records
  // are stored all the same), kScanDone when it was the scan's last: the scan is `done`
  // (exactly one caller sees it).
  ShardEnd completeShard(const Lease& lease, const std::string& worker,
                         const std::vector<scan::PortRecord>& records = {},
                         std::uint64_t probes_delta = 0);
  // Stopped without finishing (shutdown, lost lease): back to the queue for anyone at once.
  void releaseShard(const Lease& lease, const std::string& worker);
  // The shard's run failed: the scan fails (if still queued or running).
  void failScan(std::int64_t scan_id, const std::string& error);
  // A cancel was requested and this worker stopped its shard: the scan is cancelled.
  void cancelScan(std::int64_t scan_id);
  // Scans with cancel_requested whose shards nobody holds become `cancelled` (a cancel that
  // came between two shards). Returns how many.
  int sweepCancelled();

  // The workers heard from within kWorkerRetentionMs, by name; `alive` = heartbeat within
  // their lease length (a stale one is listed until retention removes it).
  std::vector<WorkerRow> workers();

  // Whether a live worker (heartbeat within its lease length) may run `mode`: for SYN, one
  // with the "syn" capability (serve's SYN runner process, a `portlens worker` with raw
  // sockets). One query; the API asks it before accepting a SYN scan.
  bool liveWorkerCan(scan::ScanType mode);

  // Workers not heard from for this long are forgotten: removeStaleWorkers() deletes their rows
  // (serve runs it with its hourly retention, server/monitor_scheduler.h). A day: long enough
  // to see in GET /api/v1/workers which worker went away, short enough that renamed or
  // retired workers do not pile up.
  static constexpr std::int64_t kWorkerRetentionMs = 24LL * 3600 * 1000;
  // Deletes the rows of workers whose last heartbeat is older than `retention_ms`; returns how
  // many. A shard such a worker held was leased again long ago (its lease ran out).
  int removeStaleWorkers(std::int64_t retention_ms = kWorkerRetentionMs);

 private:
  std::int64_t nowMs();
  // appendShardResults inside the caller's transaction.
  void addShardResults(const Lease& lease, const std::vector<scan::PortRecord>& records,
                       std::uint64_t probes_delta, double probes_per_second);
  // A scan ends as `status` (failed, cancelled) with `error`; every shard of it is done.
  void endScan(std::int64_t scan_id, std::string_view status, const std::string& error);
  Database& db_;
  core::Clock& clock_;
};

}  // namespace portlens::store
