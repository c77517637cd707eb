#include "store/shard_store.h"

#include <chrono>

namespace portlens::store {
namespace {

std::int64_t i64(std::uint64_t v) { return static_cast<std::int64_t>(v); }

// The lease claim: the oldest leasable shard of a live scan in a mode the worker runs.
// SQLite: the caller's BEGIN IMMEDIATE makes it the only writer, so the subquery's pick
// cannot be taken by another connection before the UPDATE.
constexpr std::string_view kClaimSqlite = R"sql(
UPDATE shards SET state = 'leased', worker = ?1, lease_until_ms = ?2, leases = leases + 1
WHERE id = (SELECT sh.id FROM shards sh JOIN scans s ON s.id = sh.scan_id
            WHERE (sh.state = 'queued' OR (sh.state = 'leased' AND sh.lease_until_ms < ?3))
              AND s.status IN ('queued', 'running') AND s.cancel_requested = 0
              AND sh.mode IN (?4, ?5)
            ORDER BY sh.scan_id, sh.shard_index LIMIT 1)
RETURNING scan_id, shard_index, shard_count, host_begin, host_end, port_begin, port_end, leases
)sql";

// PostgreSQL: several workers claim at once; SKIP LOCKED lets each take a different row
// without waiting for the others' transactions.
constexpr std::string_view kClaimPostgres = R"sql(
UPDATE shards SET state = 'leased', worker = ?1, lease_until_ms = ?2, leases = leases + 1
WHERE id = (SELECT sh.id FROM shards sh JOIN scans s ON s.id = sh.scan_id
            WHERE (sh.state = 'queued' OR (sh.state = 'leased' AND sh.lease_until_ms < ?3))
              AND s.status IN ('queued', 'running') AND s.cancel_requested = 0
              AND sh.mode IN (?4, ?5)
            ORDER BY sh.scan_id, sh.shard_index LIMIT 1
            FOR UPDATE OF sh SKIP LOCKED)
RETURNING scan_id, shard_index, shard_count, host_begin, host_end, port_begin, port_end, leases
)sql";

}  // namespace

ShardStore::ShardStore(ScanStore& scans) : db_(scans.database()), clock_(scans.clock()) {}

std::int64_t ShardStore::nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wallNow().time_since_epoch())
      .count();
}

void ShardStore::insertShards(std::int64_t scan_id, scan::ScanType mode,
                              const std::vector<ShardRange>& ranges) {
  auto st = db_.prepare(
      "INSERT INTO shards (scan_id, shard_index, shard_count, mode, host_begin, host_end, "
      "port_begin, port_end) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING");
  const std::string mode_name(scan::toString(mode));
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    st.reset();
    st.bind(1, scan_id).bind(2, i64(i)).bind(3, i64(ranges.size())).bind(4, mode_name);
    st.bind(5, i64(ranges[i].host_begin)).bind(6, i64(ranges[i].host_end));
    st.bind(7, i64(ranges[i].port_begin)).bind(8, i64(ranges[i].port_end));
    st.step();
  }
  // Delivered at commit (scan_store.h, kShardsChannel): idle workers wake and lease.
  if (!ranges.empty()) notifyListeners(db_, kShardsChannel, scan_id);
}

int ShardStore::registerWorker(const WorkerInfo& worker) {
  const auto now = nowMs();
  Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT INTO workers (name, address, capabilities, started_ms, heartbeat_ms, lease_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?4, ?5) ON CONFLICT (name) DO UPDATE SET "
      "address = excluded.address, capabilities = excluded.capabilities, "
      "started_ms = excluded.started_ms, heartbeat_ms = excluded.heartbeat_ms, "
      "lease_ms = excluded.lease_ms, probes_per_second = 0");
  st.bind(1, worker.name).bind(2, worker.address).bind(3, worker.capabilities.toString());
  st.bind(4, now).bind(5, worker.lease_ms);
  st.step();
  auto release = db_.prepare(
      "UPDATE shards SET state = 'queued', worker = '', lease_until_ms = 0, "
      "probes_per_second = 0 WHERE worker = ?1 AND state = 'leased'");
  release.bind(1, worker.name);
  release.step();
  const int released = db_.changes();
  tx.commit();
  return released;
}

std::vector<std::pair<std::int64_t, std::int64_t>> ShardStore::heartbeat(
    const WorkerInfo& worker, double probes_per_second,
    const std::vector<std::pair<std::int64_t, std::int64_t>>& running) {
  const auto now = nowMs();
  std::vector<std::pair<std::int64_t, std::int64_t>> lost;
  Transaction tx(db_);
  auto beat =
      db_.prepare("UPDATE workers SET heartbeat_ms = ?2, probes_per_second = ?3 WHERE name = ?1");
  beat.bind(1, worker.name).bind(2, now).bind(3, probes_per_second);
  beat.step();
  auto renew = db_.prepare(
      "UPDATE shards SET lease_until_ms = ?4 WHERE scan_id = ?1 AND shard_index = ?2 AND "
      "worker = ?3 AND state = 'leased'");
  for (const auto& [scan_id, index] : running) {
    renew.reset();
    renew.bind(1, scan_id).bind(2, index).bind(3, worker.name).bind(4, now + worker.lease_ms);
    renew.step();
    if (db_.changes() == 0) lost.emplace_back(scan_id, index);
  }
  tx.commit();
  return lost;
}

std::optional<Lease> ShardStore::lease(const WorkerInfo& worker) {
  const auto now = nowMs();
  const bool postgres = db_.backend() == Backend::kPostgres;
  // SQLite: idle workers ask often; an empty queue is seen without the writer lock. The
  // statement is finished before BEGIN IMMEDIATE: a read left open would pin an old snapshot,
  // and SQLite refuses to upgrade it (SQLITE_BUSY at once, no busy wait) after another
  // connection wrote. PostgreSQL's claim takes no global lock (SKIP LOCKED), so the check
  // would only add a round trip to every lease.
  if (!postgres) {
    auto any = db_.prepare(
        "SELECT 1 FROM shards WHERE state = 'queued' OR (state = 'leased' AND lease_until_ms < "
        "?1) LIMIT 1");
    any.bind(1, now);
    if (!any.step()) return std::nullopt;
  }
  // PostgreSQL: row locks only (FOR UPDATE SKIP LOCKED), so workers claim shards concurrently
  // with each other and with result writers; SQLite has its one writer.
  Transaction tx(db_, Transaction::Locking::kRowLocks);
  auto claim = db_.prepare(postgres ? kClaimPostgres : kClaimSqlite);
  claim.bind(1, worker.name).bind(2, now + worker.lease_ms).bind(3, now);
  // The modes it may take: connect, syn, or both.
  const auto& caps = worker.capabilities;
  claim.bind(4, std::string_view(caps.connect ? "connect" : "syn"))
      .bind(5, std::string_view(caps.syn ? "syn" : "connect"));
  if (!claim.step()) return std::nullopt;  // rolled back: nothing changed
  Lease lease;
  lease.scan_id = claim.integer(0);
  lease.shard_index = claim.integer(1);
  lease.shard_count = claim.integer(2);
  lease.range = {
      static_cast<std::uint64_t>(claim.integer(3)), static_cast<std::uint64_t>(claim.integer(4)),
      static_cast<std::uint64_t>(claim.integer(5)), static_cast<std::uint64_t>(claim.integer(6))};
  lease.leases = claim.integer(7);
  while (claim.step()) {
  }
  auto start = db_.prepare(
      "UPDATE scans SET status = 'running', started_ms = ?2 WHERE id = ?1 AND status = 'queued'");
  start.bind(1, lease.scan_id).bind(2, now);
  start.step();
  lease.first_lease = db_.changes() > 0;
  // attempts: 1 for the first lease, +1 for each shard taken over or continued (`resumed`).
  if (lease.first_lease || lease.leases > 1) {
    auto attempt = db_.prepare("UPDATE scans SET attempts = attempts + 1 WHERE id = ?1");
    attempt.bind(1, lease.scan_id);
    attempt.step();
  }
  tx.commit();
  return lease;
}

void ShardStore::appendShardResults(const Lease& lease,
                                    const std::vector<scan::PortRecord>& records,
                                    std::uint64_t probes_delta, double probes_per_second) {
  Transaction tx(db_);
  addShardResults(lease, records, probes_delta, probes_per_second);
  tx.commit();
}

void ShardStore::addShardResults(const Lease& lease, const std::vector<scan::PortRecord>& records,
                                 std::uint64_t probes_delta, double probes_per_second) {
  const scan::StateCounts added = insertResults(db_, lease.scan_id, records);
  auto shard = db_.prepare(
      "UPDATE shards SET probes_sent = probes_sent + ?3, probes_per_second = ?4 "
      "WHERE scan_id = ?1 AND shard_index = ?2");
  shard.bind(1, lease.scan_id).bind(2, lease.shard_index).bind(3, i64(probes_delta));
  shard.bind(4, probes_per_second);
  shard.step();
  // The scan's rate is every running shard's; its ETA the pairs left at that rate (probes
  // include retries, so it errs short; -1 = unknown while nothing runs). One statement (SET
  // reads the old row, so the ETA repeats the new ports_done and rate): on PostgreSQL every
  // statement is a round trip, several per shard.
  auto scan = db_.prepare(R"sql(
UPDATE scans SET ports_done = ports_done + ?2, open = open + ?3, closed = closed + ?4,
  filtered = filtered + ?5, probes_sent = probes_sent + ?6,
  probes_per_second = agg.pps,
  eta_seconds = CASE WHEN agg.pps > 0
    THEN (host_count * port_count - (ports_done + ?2)) / agg.pps ELSE -1 END
FROM (SELECT COALESCE(SUM(probes_per_second), 0) AS pps FROM shards
      WHERE scan_id = ?1 AND state = 'leased') AS agg
WHERE id = ?1
)sql");
  scan.bind(1, lease.scan_id).bind(2, i64(added.total())).bind(3, i64(added.open));
  scan.bind(4, i64(added.closed)).bind(5, i64(added.filtered)).bind(6, i64(probes_delta));
  scan.step();
  requireScanUpdated(db_, lease.scan_id);
}

ShardEnd ShardStore::completeShard(const Lease& lease, const std::string& worker,
                                   const std::vector<scan::PortRecord>& records,
                                   std::uint64_t probes_delta) {
  Transaction tx(db_);
  auto done = db_.prepare(
      "UPDATE shards SET state = 'done', lease_until_ms = 0, probes_per_second = 0 "
      "WHERE scan_id = ?1 AND shard_index = ?2 AND worker = ?3 AND state = 'leased'");
  done.bind(1, lease.scan_id).bind(2, lease.shard_index).bind(3, worker);
  done.step();
  // A lost lease stores nothing more: whoever took the shard over probes the pairs not stored
  // when it did, and the scan may be finished (and a monitor's run completed) by now.
  if (db_.changes() == 0) return ShardEnd::kLost;
  // The shard's last records in the same transaction as its end: one commit per shard.
  if (!records.empty() || probes_delta > 0) addShardResults(lease, records, probes_delta, 0);
  auto left = db_.prepare("SELECT COUNT(*) FROM shards WHERE scan_id = ?1 AND state <> 'done'");
  left.bind(1, lease.scan_id);
  left.step();
  ShardEnd end = ShardEnd::kShardDone;
  if (left.integer(0) == 0) {
    auto finish = db_.prepare(
        "UPDATE scans SET status = 'done', finished_ms = ?2, eta_seconds = 0, "
        "probes_per_second = 0, completion_pending = 1 "
        "WHERE id = ?1 AND status IN ('queued', 'running')");
    finish.bind(1, lease.scan_id).bind(2, nowMs());
    finish.step();
    if (db_.changes() > 0) {
      end = ShardEnd::kScanDone;
      notifyScanChanged(db_, lease.scan_id);  // its streams send `end` now
    }
  }
  tx.commit();
  return end;
}

void ShardStore::releaseShard(const Lease& lease, const std::string& worker) {
  auto st = db_.prepare(
      "UPDATE shards SET state = 'queued', worker = '', lease_until_ms = 0, "
      "probes_per_second = 0 WHERE scan_id = ?1 AND shard_index = ?2 AND worker = ?3 AND "
      "state = 'leased'");
  st.bind(1, lease.scan_id).bind(2, lease.shard_index).bind(3, worker);
  st.step();
}

void ShardStore::endScan(std::int64_t scan_id, std::string_view status, const std::string& error) {
  Transaction tx(db_);
  auto st = db_.prepare(
      "UPDATE scans SET status = ?2, error = ?3, finished_ms = ?4, eta_seconds = 0, "
      "probes_per_second = 0, completion_pending = 1 "
      "WHERE id = ?1 AND status IN ('queued', 'running')");
  st.bind(1, scan_id).bind(2, status).bind(3, error).bind(4, nowMs());
  st.step();
  if (db_.changes() > 0) notifyScanChanged(db_, scan_id);
  auto shards = db_.prepare(
      "UPDATE shards SET state = 'done', lease_until_ms = 0, probes_per_second = 0 "
      "WHERE scan_id = ?1");
  shards.bind(1, scan_id);
  shards.step();
  tx.commit();
}

void ShardStore::failScan(std::int64_t scan_id, const std::string& error) {
  endScan(scan_id, "failed", error);
}

void ShardStore::cancelScan(std::int64_t scan_id) { endScan(scan_id, "cancelled", ""); }

int ShardStore::sweepCancelled() {
  const auto now = nowMs();
  Transaction tx(db_);
  auto st = db_.prepare(R"sql(
UPDATE scans SET status = 'cancelled', finished_ms = ?1, eta_seconds = 0,
  probes_per_second = 0, completion_pending = 1
WHERE status = 'running' AND cancel_requested = 1 AND NOT EXISTS (
  SELECT 1 FROM shards WHERE shards.scan_id = scans.id AND state = 'leased'
    AND lease_until_ms >= ?1)
RETURNING id
)sql");
  st.bind(1, now);
  std::vector<std::int64_t> swept;
  while (st.step()) swept.push_back(st.integer(0));
  for (const auto id : swept) notifyScanChanged(db_, id);
  tx.commit();
  return static_cast<int>(swept.size());
}

std::vector<WorkerRow> ShardStore::workers() {
  const auto now = nowMs();
  auto st = db_.prepare(R"sql(
SELECT w.name, w.address, w.capabilities, w.started_ms, w.heartbeat_ms, w.lease_ms,
  w.probes_per_second,
  (SELECT COUNT(*) FROM shards sh WHERE sh.worker = w.name AND sh.state = 'leased'
     AND sh.lease_until_ms >= ?1)
FROM workers w WHERE w.heartbeat_ms >= ?2 ORDER BY w.name
)sql");
  st.bind(1, now).bind(2, now - kWorkerRetentionMs);
  std::vector<WorkerRow> out;
  while (st.step()) {
    WorkerRow row;
    row.name = st.text(0);
    row.address = st.text(1);
    row.capabilities = st.text(2);
    row.started_ms = st.integer(3);
    row.heartbeat_ms = st.integer(4);
    row.lease_ms = st.integer(5);
    row.probes_per_second = st.real(6);
    row.leases_held = static_cast<std::uint64_t>(st.integer(7));
    row.alive = now - row.heartbeat_ms <= row.lease_ms;
    if (!row.alive) row.probes_per_second = 0;
    out.push_back(std::move(row));
  }
  return out;
}

bool ShardStore::liveWorkerCan(scan::ScanType mode) {
  // Capabilities are "connect", "syn" or "connect,syn" (Capabilities::toString).
  auto st = db_.prepare(
      "SELECT COUNT(*) FROM workers WHERE ?1 - heartbeat_ms <= lease_ms AND "
      "(capabilities = ?2 OR capabilities LIKE ?3 OR capabilities LIKE ?4)");
  const std::string name(scan::toString(mode));
  st.bind(1, nowMs()).bind(2, name).bind(3, name + ",%").bind(4, "%," + name);
  return st.step() && st.integer(0) > 0;
}

int ShardStore::removeStaleWorkers(std::int64_t retention_ms) {
  Transaction tx(db_);
  auto st = db_.prepare("DELETE FROM workers WHERE heartbeat_ms < ?1");
  st.bind(1, nowMs() - retention_ms);
  st.step();
  const int removed = db_.changes();
  tx.commit();
  return removed;
}

}  // namespace portlens::store
