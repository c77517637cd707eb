#include "store/scan_store.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>

#include "core/port_spec.h"
#include "store/monitor_store.h"
#include "store/postgres/pg_sql.h"
#include "store/service_codec.h"
#include "store/shard_store.h"
#include "store/store_schema.h"
#include "store/verification_store.h"

namespace portlens::store {
namespace {

// One results row from column `first` on: ip, port, state, reason, rtt_ns, attempts, hostname,
// ttl, service.
scan::PortRecord readRecord(Statement& st, int first) {
  scan::PortRecord record;
  record.ip = core::IpAddress::parse(st.text(first)).value_or(core::IpAddress{});
  record.port = static_cast<std::uint16_t>(st.integer(first + 1));
  record.state = static_cast<scan::PortState>(st.integer(first + 2));
  record.reason = static_cast<scan::Reason>(st.integer(first + 3));
  record.rtt = std::chrono::nanoseconds(st.integer(first + 4));
  record.attempts = static_cast<std::uint8_t>(st.integer(first + 5));
  record.hostname = st.text(first + 6);
  record.ttl = static_cast<std::uint8_t>(st.integer(first + 7));
  // A value this version cannot read leaves the port without service fields, not the whole
  // scan unreadable.
  if (!st.isNull(first + 8)) record.service = decodeService(st.text(first + 8));
  return record;
}

constexpr std::string_view kScanColumns =
    "id, status, owner, client, targets_text, mode, ports_spec, host_count, port_count, "
    "ports_done, probes_sent, probes_per_second, eta_seconds, open, closed, filtered, "
    "created_ms, started_ms, finished_ms, error, seed, cancel_requested, attempts, rate, "
    "ports_label, service_detection";

std::int64_t msSinceEpoch(core::Clock::WallTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

std::int64_t i64(std::uint64_t v) { return static_cast<std::int64_t>(v); }
std::uint64_t u64(std::int64_t v) { return static_cast<std::uint64_t>(v); }

// The resolved target set as JSON intervals plus the names the user typed, so a job (also
// after a restart) scans exactly the addresses the policy checked.
std::string encodeTargets(const core::TargetSet& set) {
  nlohmann::json ranges = nlohmann::json::array();
  for (const auto& iv : set.v4().intervals()) {
    ranges.push_back({core::IpAddress::fromV4(iv.first).toString(),
                      core::IpAddress::fromV4(iv.last).toString()});
  }
  for (const auto& iv : set.v6().intervals()) {
    ranges.push_back({core::IpAddress::fromV6(iv.first).toString(),
                      core::IpAddress::fromV6(iv.last).toString()});
  }
  nlohmann::json names = nlohmann::json::object();
  for (const auto& iv : set.v4().intervals()) {
    if (iv.last - iv.first > 256) continue;  // names belong to single resolved addresses
    for (std::uint64_t v = iv.first; v <= iv.last; ++v) {
      auto a = core::IpAddress::fromV4(static_cast<std::uint32_t>(v));
      if (auto& n = set.hostnameOf(a); !n.empty()) names[a.toString()] = n;
    }
  }
  for (const auto& iv : set.v6().intervals()) {
    if (iv.last - iv.first > 256) continue;
    for (core::Uint128 v = iv.first;; ++v) {
      auto a = core::IpAddress::fromV6(v);
      if (auto& n = set.hostnameOf(a); !n.empty()) names[a.toString()] = n;
      if (v == iv.last) break;
    }
  }
  return nlohmann::json{{"ranges", ranges}, {"names", names}}.dump();
}

core::TargetSet decodeTargets(const std::string& text) {
  core::TargetSet set;
  auto doc = nlohmann::json::parse(text);
  for (const auto& range : doc.at("ranges")) {
    auto first = core::IpAddress::parse(range.at(0).get<std::string>());
    auto last = core::IpAddress::parse(range.at(1).get<std::string>());
    if (!first || !last) throw StoreError("corrupt target set in the database");
    set.add(*first, *last);
  }
  for (const auto& [ip, name] : doc.at("names").items()) {
    if (auto a = core::IpAddress::parse(ip)) set.nameAddress(*a, name.get<std::string>());
  }
  return set;
}

// A results row's columns after scan_id, in the order of kRecordColumnNames, handed to
// `put(column, value)` with a string, an integer or std::nullopt (NULL): the one place that
// maps a record onto the table, for both backends' inserts.
constexpr std::string_view kRecordColumnNames =
    "ip, port, state, reason, rtt_ns, attempts, hostname, ttl, service";
template <class Put>
void recordColumns(const scan::PortRecord& r, Put&& put) {
  put(0, r.ip.toString());
  put(1, std::int64_t{r.port});
  put(2, static_cast<std::int64_t>(r.state));
  put(3, static_cast<std::int64_t>(r.reason));
  put(4, static_cast<std::int64_t>(r.rtt.count()));
  put(5, std::int64_t{r.attempts});
  put(6, r.hostname);
  put(7, std::int64_t{r.ttl});
  if (r.service) {
    put(8, encodeService(*r.service));
  } else {
    put(8, std::nullopt);
  }
}

}  // namespace

std::string_view toString(ScanStatus status) {
  switch (status) {
    case ScanStatus::kQueued:
      return "queued";
    case ScanStatus::kRunning:
      return "running";
    case ScanStatus::kDone:
      return "done";
    case ScanStatus::kFailed:
      return "failed";
    case ScanStatus::kCancelled:
      return "cancelled";
  }
  return "failed";
}

std::optional<ScanStatus> parseScanStatus(std::string_view text) {
  for (auto s : {ScanStatus::kQueued, ScanStatus::kRunning, ScanStatus::kDone, ScanStatus::kFailed,
                 ScanStatus::kCancelled}) {
    if (toString(s) == text) return s;
  }
  return std::nullopt;
}

// Columns added to SQLite files before schema versions existed (version 1 of "scans"
// includes them, with CREATE TABLE IF NOT EXISTS, which leaves an old table as it is). A file
// without a "scans" version gets the ones it lacks first, each checked again and added in one
// write transaction, so connections opening the same file at once add it exactly once.
struct AddedColumn {
  std::string_view table;
  std::string_view name;
  std::string_view definition;
};
constexpr AddedColumn kAddedColumns[] = {
    {"results", "ttl", "INTEGER NOT NULL DEFAULT 0"},
    {"scans", "ports_label", "TEXT NOT NULL DEFAULT ''"},
    {"scans", "service_detection", "INTEGER NOT NULL DEFAULT 0"},
    {"results", "service", "TEXT"},  // service_codec's JSON; NULL when detection did not run
};

bool hasColumn(Database& db, const AddedColumn& column) {
  auto columns = db.prepare("PRAGMA table_info(" + std::string(column.table) + ")");
  while (columns.step()) {
    if (columns.text(1) == column.name) return true;
  }
  return false;
}

void addMissingColumns(Database& db) {
  for (const auto& column : kAddedColumns) {
    // A table the file lacks is created whole by version 1.
    if (!db.tableExists(column.table) || hasColumn(db, column)) continue;
    Transaction tx(db);
    if (!hasColumn(db, column)) {
      db.exec("ALTER TABLE " + std::string(column.table) + " ADD COLUMN " +
              std::string(column.name) + " " + std::string(column.definition));
    }
    tx.commit();
  }
}

ScanStore::ScanStore(const std::string& location, core::Clock& clock)
    : db_(location), clock_(clock) {
  if (db_.backend() == Backend::kSqlite && schemaVersion(db_, "scans") == 0) {
    addMissingColumns(db_);
  }
  migrate(db_, "scans", scanMigrations());
  createMonitorSchema(db_);
  createVerificationSchema(db_);
}

std::int64_t ScanStore::insertScan(const NewScan& scan) {
  // The scan and its shards are committed together (a savepoint when the caller holds a
  // transaction: a monitor's run is queued with its monitor row).
  Transaction tx(db_);
  const std::int64_t id = insertScanRow(scan);
  const auto ranges =
      splitScan(scan.targets.size(), core::parsePortSpec(scan.ports_spec, nullptr).size(),
                scan.pairs_per_shard);
  ShardStore(*this).insertShards(id, scan.mode, ranges);
  tx.commit();
  return id;
}

std::int64_t ScanStore::insertScanRow(const NewScan& scan) {
  auto st = db_.prepare(
      "INSERT INTO scans (status, owner, client, targets_text, targets_json, mode, ports_spec, "
      "host_count, port_count, created_ms, seed, rate, ports_label, service_detection) "
      "VALUES ('queued',?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
  // ports_spec is the compact numeric form (PortSet::toString): no registry needed.
  const std::uint64_t ports = core::parsePortSpec(scan.ports_spec, nullptr).size();
  st.bind(1, scan.owner).bind(2, scan.client).bind(3, scan.targets_text);
  st.bind(4, encodeTargets(scan.targets))
      .bind(5, std::string(scan::toString(scan.mode)))
      .bind(6, scan.ports_spec);
  st.bind(7, i64(scan.targets.size())).bind(8, i64(ports)).bind(9, msSinceEpoch(clock_.wallNow()));
  st.bind(10, i64(scan.seed)).bind(11, scan.rate).bind(12, scan.ports_label);
  st.bind(13, std::int64_t{scan.service_detection ? 1 : 0});
  if (!st.step()) throw StoreError("insert of a scan returned no id");
  return st.integer(0);
}

ScanRow ScanStore::readScanRow(Statement& st) {
  ScanRow r;
  r.id = st.integer(0);
  r.status = parseScanStatus(st.text(1)).value_or(ScanStatus::kFailed);
  r.owner = st.text(2);
  r.client = st.text(3);
  r.targets_text = st.text(4);
  // Stored as its name ("connect", "syn"); a name this version does not know is an error, not
  // a silent connect scan.
  const std::string mode = st.text(5);
  const auto type = scan::parseScanType(mode);
  if (!type)
    throw std::runtime_error("scan " + std::to_string(r.id) + ": unknown mode '" + mode + "'");
  r.mode = *type;
  r.ports_spec = st.text(6);
  r.host_count = u64(st.integer(7));
  r.port_count = u64(st.integer(8));
  r.ports_done = u64(st.integer(9));
  r.probes_sent = u64(st.integer(10));
  r.probes_per_second = st.real(11);
  r.eta_seconds = st.real(12);
  r.counts.open = u64(st.integer(13));
  r.counts.closed = u64(st.integer(14));
  r.counts.filtered = u64(st.integer(15));
  r.created_ms = st.integer(16);
  r.started_ms = st.integer(17);
  r.finished_ms = st.integer(18);
  r.error = st.text(19);
  r.seed = u64(st.integer(20));
  r.cancel_requested = st.integer(21) != 0;
  r.attempts = static_cast<std::uint32_t>(st.integer(22));
  r.rate = st.real(23);
  r.ports_label = st.text(24);
  r.service_detection = st.integer(25) != 0;
  return r;
}

std::optional<ScanRow> ScanStore::scan(std::int64_t id) {
  auto st = db_.prepare("SELECT " + std::string(kScanColumns) + " FROM scans WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readScanRow(st);
}

std::vector<ScanRow> ScanStore::listScans(const std::optional<std::string>& owner,
                                          std::int64_t before_id, std::size_t limit) {
  auto st = db_.prepare(
      "SELECT " + std::string(kScanColumns) +
      " FROM scans WHERE (CAST(?1 AS TEXT) IS NULL OR owner = ?1) AND (?2 = 0 OR id < ?2) "
      "ORDER BY id DESC LIMIT ?3");
  if (owner) {
    st.bind(1, *owner);
  } else {
    st.bindNull(1);
  }
  st.bind(2, before_id).bind(3, i64(limit));
  std::vector<ScanRow> out;
  while (st.step()) out.push_back(readScanRow(st));
  return out;
}

std::uint64_t ScanStore::countActive(const std::string& owner, const std::string& client) {
  auto st = db_.prepare(
      "SELECT COUNT(*) FROM scans WHERE owner = ? AND client = ? AND status IN "
      "('queued','running')");
  st.bind(1, owner).bind(2, client);
  st.step();
  return u64(st.integer(0));
}

ScanStore::QueueDepth ScanStore::queueDepth() {
  auto st = db_.prepare(
      "SELECT status, COUNT(*) FROM scans WHERE status IN ('queued','running') GROUP BY status");
  QueueDepth depth;
  while (st.step()) {
    (st.text(0) == "queued" ? depth.queued : depth.running) = u64(st.integer(1));
  }
  return depth;
}

std::optional<ScanRow> ScanStore::claimNextQueued() {
  constexpr std::string_view kNextQueued =
      "SELECT id FROM scans WHERE status = 'queued' ORDER BY id LIMIT 1";
  // Idle workers ask every second: an empty queue is seen without the writer lock, which
  // job commits need. A scan found there is claimed under the lock, after a second look.
  if (!db_.prepare(kNextQueued).step()) return std::nullopt;
  Transaction tx(db_);
  auto pick = db_.prepare(kNextQueued);
  if (!pick.step()) return std::nullopt;
  const std::int64_t id = pick.integer(0);
  auto st = db_.prepare(
      "UPDATE scans SET status = 'running', attempts = attempts + 1, "
      "started_ms = CASE started_ms WHEN 0 THEN ? ELSE started_ms END WHERE id = ?");
  st.bind(1, msSinceEpoch(clock_.wallNow())).bind(2, id);
  st.step();
  tx.commit();
  return scan(id);
}

int ScanStore::requeueInterrupted() {
  auto cancel = db_.prepare(
      "UPDATE scans SET status = 'cancelled', finished_ms = ?1 WHERE status = 'running' AND "
      "cancel_requested = 1");
  cancel.bind(1, msSinceEpoch(clock_.wallNow())).step();
  db_.exec("UPDATE scans SET status = 'queued' WHERE status = 'running'");
  return db_.changes();
}

core::TargetSet ScanStore::scanTargets(std::int64_t id) {
  auto st = db_.prepare("SELECT targets_json FROM scans WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) throw StoreError("no scan " + std::to_string(id));
  return decodeTargets(st.text(0));
}

void ScanStore::finishScan(std::int64_t id, ScanStatus status, const std::string& error,
                           std::uint64_t probes_sent) {
  auto st = db_.prepare(
      "UPDATE scans SET status = ?1, error = ?2, finished_ms = ?3, probes_sent = CASE WHEN "
      "probes_sent > ?4 THEN probes_sent ELSE ?4 END, eta_seconds = 0, completion_pending = 1 "
      "WHERE id = ?5");
  st.bind(1, toString(status))
      .bind(2, error)
      .bind(3, msSinceEpoch(clock_.wallNow()))
      .bind(4, i64(probes_sent));
  st.bind(5, id);
  st.step();
  notifyScanChanged(db_, id);
}

bool ScanStore::requestCancel(std::int64_t id) {
  Transaction tx(db_);
  auto st = db_.prepare(
      "UPDATE scans SET status = 'cancelled', finished_ms = ?, cancel_requested = 1, "
      "completion_pending = 1 WHERE id = ? AND status = 'queued'");
  st.bind(1, msSinceEpoch(clock_.wallNow())).bind(2, id);
  st.step();
  bool changed = db_.changes() > 0;
  if (!changed) {
    auto run =
        db_.prepare("UPDATE scans SET cancel_requested = 1 WHERE id = ? AND status = 'running'");
    run.bind(1, id);
    run.step();
    changed = db_.changes() > 0;
  }
  if (changed) notifyScanChanged(db_, id);
  tx.commit();
  return changed;
}

namespace {

// SQLite: one prepared statement, run per record (no round trip; the fastest form there).
scan::StateCounts insertEach(Database& db, std::int64_t scan_id,
                             const std::vector<scan::PortRecord>& records) {
  auto st = db.prepare("INSERT INTO results (scan_id, " + std::string(kRecordColumnNames) +
                       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING");
  scan::StateCounts added;
  for (const auto& r : records) {
    st.reset();
    st.bind(1, scan_id);
    recordColumns(r, [&](int column, const auto& value) {
      if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::nullopt_t>) {
        st.bindNull(column + 2);
      } else {
        st.bind(column + 2, value);
      }
    });
    st.step();
    if (db.changes() > 0) ++added[r.state];
  }
  return added;
}

// PostgreSQL: every statement is a round trip to the server, and one per record made a
// full-range scan 13.5x slower than on SQLite (bench/workers.sh). The batch goes in as one
// COPY, the fastest way in: a quarter less of the server's time per row than one INSERT of a
// batch unnested from array parameters, 40% less than that with ON CONFLICT DO NOTHING,
// whose speculative insertion pays for a case that is rare (a port stored twice: a shard taken
// over from a worker whose lease ran out). Rows take their seq in the batch's order (the
// engine's), which event streams and exports follow. A batch that meets a stored port fails
// whole (UniqueViolation) and its savepoint is rolled back; it is then copied into a session's
// temporary table and moved from there, in order, without the ports stored before. Event
// streams on every front end learn of the new rows (change_listener.h; delivered at commit,
// one per transaction). Results keep no foreign key here (store_schema.cpp's version 3): the
// caller's UPDATE of the scan row refuses results of a scan that is gone.
scan::StateCounts insertCopied(Database& db, std::int64_t scan_id,
                               const std::vector<scan::PortRecord>& records) {
  PgCopyText rows;
  for (const auto& r : records) {
    rows.add(scan_id);
    recordColumns(r, [&](int /*column*/, const auto& value) {
      if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::nullopt_t>) {
        rows.addNull();
      } else {
        rows.add(value);
      }
    });
    rows.endRow();
  }
  const std::string columns = "scan_id, " + std::string(kRecordColumnNames);
  scan::StateCounts added;
  try {
    Transaction attempt(db);
    db.copyFrom("results (" + columns + ")", rows.text());
    for (const auto& r : records) ++added[r.state];
    attempt.commit();
  } catch (const UniqueViolation&) {  // `attempt` rolled back: nothing of the batch is stored
    // seq, an identity of its own here (INCLUDING IDENTITY), keeps the batch's order.
    // Emptied at every commit, and here for a second batch of the same transaction.
    db.exec(
        "CREATE TEMPORARY TABLE IF NOT EXISTS result_batch (LIKE results INCLUDING IDENTITY) "
        "ON COMMIT DELETE ROWS");
    db.exec("DELETE FROM result_batch");
    db.copyFrom("result_batch (" + columns + ")", rows.text());
    auto move =
        db.prepare("INSERT INTO results (" + columns + ") SELECT " + columns +
                   " FROM result_batch ORDER BY seq ON CONFLICT DO NOTHING RETURNING state");
    while (move.step()) ++added[static_cast<scan::PortState>(move.integer(0))];
  }
  if (added.total() > 0) notifyScanChanged(db, scan_id);
  return added;
}

}  // namespace

scan::StateCounts insertResults(Database& db, std::int64_t scan_id,
                                const std::vector<scan::PortRecord>& records) {
  if (records.empty()) return {};
  return db.backend() == Backend::kPostgres ? insertCopied(db, scan_id, records)
                                            : insertEach(db, scan_id, records);
}

void requireScanUpdated(Database& db, std::int64_t scan_id) {
  if (db.changes() == 0) {
    throw StoreError("results for scan " + std::to_string(scan_id) + ", which does not exist");
  }
}

void notifyListeners(Database& db, std::string_view channel, std::int64_t scan_id) {
  if (db.backend() != Backend::kPostgres) return;
  auto notify = db.prepare("SELECT pg_notify('" + std::string(channel) + "', ?1)");
  notify.bind(1, std::to_string(scan_id)).step();
}

void notifyScanChanged(Database& db, std::int64_t scan_id) {
  notifyListeners(db, kResultsChannel, scan_id);
}

void ScanStore::appendResults(std::int64_t id, const std::vector<scan::PortRecord>& records,
                              std::uint64_t probes_sent, double probes_per_second,
                              double eta_seconds) {
  Transaction tx(db_);
  const scan::StateCounts added = insertResults(db_, id, records);
  auto up = db_.prepare(
      "UPDATE scans SET ports_done = ports_done + ?, open = open + ?, closed = closed + ?, "
      "filtered = filtered + ?, probes_sent = ?, probes_per_second = ?, eta_seconds = ? "
      "WHERE id = ?");
  up.bind(1, i64(added.total())).bind(2, i64(added.open)).bind(3, i64(added.closed));
  up.bind(4, i64(added.filtered)).bind(5, i64(probes_sent)).bind(6, probes_per_second);
  up.bind(7, eta_seconds).bind(8, id);
  up.step();
  requireScanUpdated(db_, id);
  tx.commit();
}

std::vector<std::int64_t> ScanStore::pendingCompletions() {
  auto st = db_.prepare("SELECT id FROM scans WHERE completion_pending = 1 ORDER BY id LIMIT 100");
  std::vector<std::int64_t> out;
  while (st.step()) out.push_back(st.integer(0));
  return out;
}

bool ScanStore::clearCompletionPending(std::int64_t id) {
  auto st = db_.prepare(
      "UPDATE scans SET completion_pending = 0 WHERE id = ?1 AND completion_pending = 1");
  st.bind(1, id);
  st.step();
  return db_.changes() > 0;
}

std::vector<StoredRecord> ScanStore::results(std::int64_t id,
                                             const std::set<scan::PortState>& states,
                                             std::int64_t after_seq, std::size_t limit) {
  std::string in;
  for (auto s : states) {
    if (!in.empty()) in += ',';
    in += std::to_string(static_cast<int>(s));
  }
  if (in.empty()) return {};
  auto st = db_.prepare(
      "SELECT seq, ip, port, state, reason, rtt_ns, attempts, hostname, ttl, service FROM results "
      "WHERE scan_id = ? AND state IN (" +
      in + ") AND seq > ? ORDER BY seq LIMIT ?");
  st.bind(1, id).bind(2, after_seq).bind(3, i64(limit));
  std::vector<StoredRecord> out;
  while (st.step()) {
    StoredRecord r;
    r.seq = st.integer(0);
    r.record = readRecord(st, 1);
    out.push_back(std::move(r));
  }
  return out;
}

ScanStore::DifferingResults ScanStore::differingResults(std::int64_t before, std::int64_t after) {
  auto st = db_.prepare(
      "SELECT a.ip, a.port, a.state, a.reason, a.rtt_ns, a.attempts, a.hostname, a.ttl, a.service, "
      "b.ip, b.port, b.state, b.reason, b.rtt_ns, b.attempts, b.hostname, b.ttl, b.service "
      "FROM results a JOIN results b ON b.scan_id = ?2 AND b.ip = a.ip AND b.port = a.port "
      "WHERE a.scan_id = ?1 AND (a.state <> b.state OR a.service IS DISTINCT FROM b.service)");
  st.bind(1, before).bind(2, after);
  DifferingResults out;
  while (st.step()) {
    out.before.push_back(readRecord(st, 0));
    out.after.push_back(readRecord(st, 9));
  }
  return out;
}

std::vector<std::pair<core::IpAddress, scan::StateCounts>> ScanStore::hostCounts(std::int64_t id) {
  auto st = db_.prepare(
      "SELECT ip, state, COUNT(*) FROM results WHERE scan_id = ? GROUP BY ip, state ORDER BY ip");
  st.bind(1, id);
  std::vector<std::pair<core::IpAddress, scan::StateCounts>> out;
  while (st.step()) {
    auto address = core::IpAddress::parse(st.text(0));
    if (!address) continue;
    if (out.empty() || out.back().first != *address)
      out.emplace_back(*address, scan::StateCounts{});
    out.back().second[static_cast<scan::PortState>(st.integer(1))] = u64(st.integer(2));
  }
  return out;
}

std::vector<std::pair<core::IpAddress, std::uint16_t>> ScanStore::donePorts(std::int64_t id) {
  auto st = db_.prepare("SELECT ip, port FROM results WHERE scan_id = ?");
  st.bind(1, id);
  std::vector<std::pair<core::IpAddress, std::uint16_t>> out;
  while (st.step()) {
    if (auto a = core::IpAddress::parse(st.text(0))) {
      out.emplace_back(*a, static_cast<std::uint16_t>(st.integer(1)));
    }
  }
  return out;
}

void ScanStore::insertToken(const TokenRow& token) {
  auto st =
      db_.prepare("INSERT INTO tokens (name, hash, allow, admin, created_ms) VALUES (?,?,?,?,?)");
  st.bind(1, token.name).bind(2, token.hash).bind(3, token.allow);
  st.bind(4, std::int64_t{token.admin ? 1 : 0}).bind(5, msSinceEpoch(clock_.wallNow()));
  st.step();
}

std::optional<TokenRow> ScanStore::tokenByHash(const std::string& hash) {
  auto st = db_.prepare("SELECT name, hash, allow, admin FROM tokens WHERE hash = ?");
  st.bind(1, hash);
  if (!st.step()) return std::nullopt;
  return TokenRow{st.text(0), st.text(1), st.text(2), st.integer(3) != 0};
}

std::optional<TokenRow> ScanStore::tokenByName(const std::string& name) {
  auto st = db_.prepare("SELECT name, hash, allow, admin FROM tokens WHERE name = ?");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return TokenRow{st.text(0), st.text(1), st.text(2), st.integer(3) != 0};
}

}  // namespace portlens::store
