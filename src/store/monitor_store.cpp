#include "store/monitor_store.h"

#include <chrono>

#include "store/store_schema.h"

namespace portlens::store {
namespace {

constexpr std::string_view kMonitorColumns =
    "id, name, owner, targets_text, ports_spec, ports_label, mode, service_detection, "
    "every_seconds, cron, policy_yaml, alerts_json, paused, next_run_ms, last_scan_id, "
    "last_full_scan_id, last_error, created_ms";

constexpr std::string_view kFindingColumns =
    "id, monitor_id, key, kind, finding_json, opened_ms, resolved_ms, acknowledged_ms, "
    "acknowledged_by, opened_scan_id, resolved_scan_id";

std::int64_t msOf(core::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.wallNow().time_since_epoch())
      .count();
}

std::int64_t flag(bool b) { return b ? 1 : 0; }

// Binds the editable fields of `row` to parameters 1..15 (the order of kMonitorColumns from
// name to last_error, without the schedule's bookkeeping ids).
void bindEditable(Statement& st, const MonitorRow& row) {
  st.bind(1, row.name).bind(2, row.owner).bind(3, row.targets_text).bind(4, row.ports_spec);
  st.bind(5, row.ports_label).bind(6, std::string(scan::toString(row.mode)));
  st.bind(7, flag(row.service_detection)).bind(8, row.every_seconds).bind(9, row.cron);
  st.bind(10, row.policy_yaml).bind(11, row.alerts_json).bind(12, flag(row.paused));
  st.bind(13, row.next_run_ms).bind(14, row.last_error);
}

}  // namespace

void createMonitorSchema(Database& db) { migrate(db, "monitors", monitorMigrations()); }

MonitorStore::MonitorStore(ScanStore& scans) : db_(scans.database()), clock_(scans.clock()) {}

std::int64_t MonitorStore::insertMonitor(const MonitorRow& row) {
  auto st = db_.prepare(
      "INSERT INTO monitors (name, owner, targets_text, ports_spec, ports_label, mode, "
      "service_detection, every_seconds, cron, policy_yaml, alerts_json, paused, next_run_ms, "
      "last_error, created_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
  bindEditable(st, row);
  st.bind(15, msOf(clock_));
  if (!st.step()) throw StoreError("insert of a monitor returned no id");
  return st.integer(0);
}

MonitorRow MonitorStore::readMonitor(Statement& st) {
  MonitorRow r;
  r.id = st.integer(0);
  r.name = st.text(1);
  r.owner = st.text(2);
  r.targets_text = st.text(3);
  r.ports_spec = st.text(4);
  r.ports_label = st.text(5);
  const auto mode = scan::parseScanType(st.text(6));
  if (!mode) throw StoreError("monitor " + std::to_string(r.id) + ": unknown mode");
  r.mode = *mode;
  r.service_detection = st.integer(7) != 0;
  r.every_seconds = st.integer(8);
  r.cron = st.text(9);
  r.policy_yaml = st.text(10);
  r.alerts_json = st.text(11);
  r.paused = st.integer(12) != 0;
  r.next_run_ms = st.integer(13);
  r.last_scan_id = st.integer(14);
  r.last_full_scan_id = st.integer(15);
  r.last_error = st.text(16);
  r.created_ms = st.integer(17);
  return r;
}

std::optional<MonitorRow> MonitorStore::monitor(std::int64_t id) {
  auto st = db_.prepare("SELECT " + std::string(kMonitorColumns) + " FROM monitors WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readMonitor(st);
}

std::vector<MonitorRow> MonitorStore::listMonitors(const std::optional<std::string>& owner) {
  auto st = db_.prepare("SELECT " + std::string(kMonitorColumns) +
                        " FROM monitors WHERE CAST(?1 AS TEXT) IS NULL OR owner = ?1 ORDER BY id");
  if (owner) {
    st.bind(1, *owner);
  } else {
    st.bindNull(1);
  }
  std::vector<MonitorRow> out;
  while (st.step()) out.push_back(readMonitor(st));
  return out;
}

void MonitorStore::updateMonitor(const MonitorRow& row) {
  auto st = db_.prepare(
      "UPDATE monitors SET name = ?1, owner = ?2, targets_text = ?3, ports_spec = ?4, "
      "ports_label = ?5, mode = ?6, service_detection = ?7, every_seconds = ?8, cron = ?9, "
      "policy_yaml = ?10, alerts_json = ?11, paused = ?12, next_run_ms = ?13, last_error = ?14 "
      "WHERE id = ?15");
  bindEditable(st, row);
  st.bind(15, row.id);
  st.step();
}

void MonitorStore::deleteMonitor(std::int64_t id) {
  Transaction tx(db_);
  for (const char* sql :
       {"DELETE FROM findings WHERE monitor_id = ?",
        "DELETE FROM monitor_runs WHERE monitor_id = ?", "DELETE FROM monitors WHERE id = ?"}) {
    auto st = db_.prepare(sql);
    st.bind(1, id);
    st.step();
  }
  tx.commit();
}

std::vector<MonitorRow> MonitorStore::dueMonitors(std::int64_t now_ms) {
  auto st = db_.prepare("SELECT " + std::string(kMonitorColumns) +
                        " FROM monitors WHERE paused = 0 AND next_run_ms <= ? ORDER BY "
                        "next_run_ms, id");
  st.bind(1, now_ms);
  std::vector<MonitorRow> out;
  while (st.step()) out.push_back(readMonitor(st));
  return out;
}

void MonitorStore::addRun(std::int64_t monitor_id, std::int64_t scan_id, std::int64_t next_run_ms) {
  auto link = db_.prepare("INSERT INTO monitor_runs (scan_id, monitor_id) VALUES (?, ?)");
  link.bind(1, scan_id).bind(2, monitor_id);
  link.step();
  auto up = db_.prepare(
      "UPDATE monitors SET last_scan_id = ?, next_run_ms = ?, last_error = '' WHERE id = ?");
  up.bind(1, scan_id).bind(2, next_run_ms).bind(3, monitor_id);
  up.step();
}

std::optional<std::int64_t> MonitorStore::monitorOfRun(std::int64_t scan_id) {
  auto st = db_.prepare("SELECT monitor_id FROM monitor_runs WHERE scan_id = ?");
  st.bind(1, scan_id);
  if (!st.step()) return std::nullopt;
  return st.integer(0);
}

std::vector<std::int64_t> MonitorStore::runs(std::int64_t monitor_id, std::int64_t before_id,
                                             std::size_t limit) {
  auto st = db_.prepare(
      "SELECT scan_id FROM monitor_runs WHERE monitor_id = ? AND (?2 = 0 OR scan_id < ?2) "
      "ORDER BY scan_id DESC LIMIT ?3");
  st.bind(1, monitor_id).bind(2, before_id).bind(3, static_cast<std::int64_t>(limit));
  std::vector<std::int64_t> out;
  while (st.step()) out.push_back(st.integer(0));
  return out;
}

FindingRow MonitorStore::readFinding(Statement& st) {
  FindingRow r;
  r.id = st.integer(0);
  r.monitor_id = st.integer(1);
  r.key = st.text(2);
  r.kind = st.text(3);
  r.finding_json = st.text(4);
  r.opened_ms = st.integer(5);
  r.resolved_ms = st.integer(6);
  r.acknowledged_ms = st.integer(7);
  r.acknowledged_by = st.text(8);
  r.opened_scan_id = st.integer(9);
  r.resolved_scan_id = st.integer(10);
  return r;
}

std::vector<FindingRow> MonitorStore::openFindings(std::int64_t monitor_id) {
  return findings(monitor_id, FindingState::kOpen, std::nullopt, 1'000'000);
}

std::vector<FindingRow> MonitorStore::findings(std::int64_t monitor_id, FindingState state,
                                               const std::optional<std::string>& owner,
                                               std::size_t limit) {
  const char* state_clause = state == FindingState::kOpen       ? "f.resolved_ms = 0"
                             : state == FindingState::kResolved ? "f.resolved_ms != 0"
                                                                : "1 = 1";
  std::string columns;
  for (auto c : {"id", "monitor_id", "key", "kind", "finding_json", "opened_ms", "resolved_ms",
                 "acknowledged_ms", "acknowledged_by", "opened_scan_id", "resolved_scan_id"}) {
    columns += (columns.empty() ? "f." : ", f.") + std::string(c);
  }
  auto st = db_.prepare("SELECT " + columns +
                        " FROM findings f JOIN monitors m ON m.id = f.monitor_id WHERE (?1 = 0 OR "
                        "f.monitor_id = ?1) AND (CAST(?2 AS TEXT) IS NULL OR m.owner = ?2) AND " +
                        state_clause + " ORDER BY f.id DESC LIMIT ?3");
  st.bind(1, monitor_id);
  if (owner) {
    st.bind(2, *owner);
  } else {
    st.bindNull(2);
  }
  st.bind(3, static_cast<std::int64_t>(limit));
  std::vector<FindingRow> out;
  while (st.step()) out.push_back(readFinding(st));
  return out;
}

std::optional<FindingRow> MonitorStore::finding(std::int64_t id) {
  auto st = db_.prepare("SELECT " + std::string(kFindingColumns) + " FROM findings WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readFinding(st);
}

bool MonitorStore::acknowledge(std::int64_t finding_id, const std::string& by) {
  auto st = db_.prepare(
      "UPDATE findings SET acknowledged_ms = ?, acknowledged_by = ? WHERE id = ? AND "
      "acknowledged_ms = 0");
  st.bind(1, msOf(clock_)).bind(2, by).bind(3, finding_id);
  st.step();
  return db_.changes() > 0 || finding(finding_id).has_value();
}

std::size_t MonitorStore::countOpenFindings(std::int64_t monitor_id) {
  auto st = db_.prepare("SELECT COUNT(*) FROM findings WHERE monitor_id = ? AND resolved_ms = 0");
  st.bind(1, monitor_id);
  st.step();
  return static_cast<std::size_t>(st.integer(0));
}

std::vector<MonitorStore::OpenFindingCount> MonitorStore::openFindingCounts() {
  auto st = db_.prepare(
      "SELECT f.kind, m.name, COUNT(*) FROM findings f JOIN monitors m ON m.id = f.monitor_id "
      "WHERE f.resolved_ms = 0 GROUP BY f.kind, m.name");
  std::vector<OpenFindingCount> out;
  while (st.step()) out.push_back({st.text(0), st.text(1), st.integer(2)});
  return out;
}

void MonitorStore::insertEvent(const RunCompletion& c, std::int64_t finding_id,
                               std::string_view event, const std::string& finding_json,
                               std::int64_t now_ms) {
  auto st = db_.prepare(
      "INSERT INTO finding_events (monitor_id, finding_id, event, scan_id, at_ms, finding_json, "
      "monitor_json) VALUES (?,?,?,?,?,?,?)");
  st.bind(1, c.monitor_id).bind(2, finding_id).bind(3, event).bind(4, c.scan_id);
  st.bind(5, now_ms).bind(6, finding_json).bind(7, c.monitor_json);
  st.step();
}

std::int64_t MonitorStore::applyCompletion(const RunCompletion& c) {
  const std::int64_t now_ms = msOf(clock_);
  auto open = db_.prepare(
      "INSERT INTO findings (monitor_id, key, kind, finding_json, opened_ms, opened_scan_id) "
      "VALUES (?,?,?,?,?,?) RETURNING id");
  for (const auto& f : c.opened) {
    open.reset();
    open.bind(1, c.monitor_id).bind(2, f.key).bind(3, f.kind).bind(4, f.finding_json);
    open.bind(5, now_ms).bind(6, c.scan_id);
    if (!open.step()) throw StoreError("insert of a finding returned no id");
    const std::int64_t finding_id = open.integer(0);
    while (open.step()) {
    }
    insertEvent(c, finding_id, "finding_opened", f.finding_json, now_ms);
  }
  auto resolve = db_.prepare(
      "UPDATE findings SET resolved_ms = ?, resolved_scan_id = ? WHERE id = ? AND monitor_id = ? "
      "AND resolved_ms = 0 RETURNING finding_json");
  for (auto id : c.resolved) {
    resolve.reset();
    resolve.bind(1, now_ms).bind(2, c.scan_id).bind(3, id).bind(4, c.monitor_id);
    if (!resolve.step()) continue;  // not open: nothing happened, no event
    const std::string finding_json = resolve.text(0);
    while (resolve.step()) {
    }
    insertEvent(c, id, "finding_resolved", finding_json, now_ms);
  }
  if (!c.done) return 0;
  auto previous = db_.prepare("SELECT last_full_scan_id FROM monitors WHERE id = ?");
  previous.bind(1, c.monitor_id);
  if (!previous.step()) return 0;
  const std::int64_t previous_id = previous.integer(0);
  auto up = db_.prepare("UPDATE monitors SET last_full_scan_id = ? WHERE id = ?");
  up.bind(1, c.scan_id).bind(2, c.monitor_id);
  up.step();
  return previous_id != c.scan_id ? previous_id : 0;
}

void MonitorStore::dropReplacedResults(std::int64_t scan_id) {
  if (scan_id == 0) return;
  constexpr std::int64_t kRowsPerTransaction = 10'000;
  while (true) {
    Transaction tx(db_);
    auto drop = db_.prepare(
        "DELETE FROM results WHERE seq IN (SELECT seq FROM results WHERE scan_id = ?1 LIMIT ?2) "
        "AND NOT EXISTS (SELECT 1 FROM monitors WHERE last_full_scan_id = ?1)");
    drop.bind(1, scan_id).bind(2, kRowsPerTransaction);
    drop.step();
    const auto removed = db_.changes();
    tx.commit();
    if (removed < kRowsPerTransaction) break;
  }
  releaseFreePages();
}

std::size_t MonitorStore::deleteScansBefore(std::int64_t cutoff_ms) {
  constexpr std::string_view kOld =
      "SELECT id FROM scans WHERE status IN ('done','failed','cancelled') AND finished_ms > 0 "
      "AND finished_ms < ? AND id NOT IN (SELECT last_full_scan_id FROM monitors) ORDER BY id "
      "LIMIT 100";
  std::size_t removed = 0;
  // In batches of 100 scans, each its own short transaction: job commits are not held up.
  while (true) {
    Transaction tx(db_);
    auto old = db_.prepare(kOld);
    old.bind(1, cutoff_ms);
    std::vector<std::int64_t> ids;
    while (old.step()) ids.push_back(old.integer(0));
    if (ids.empty()) break;
    for (const char* sql :
         {"DELETE FROM results WHERE scan_id = ?", "DELETE FROM monitor_runs WHERE scan_id = ?",
          "DELETE FROM shards WHERE scan_id = ?", "DELETE FROM scans WHERE id = ?"}) {
      auto st = db_.prepare(sql);
      for (auto id : ids) {
        st.reset();
        st.bind(1, id);
        st.step();
      }
    }
    tx.commit();
    removed += ids.size();
  }
  return removed;
}

void MonitorStore::releaseFreePages() {
  // PostgreSQL's autovacuum does this on its own schedule.
  if (db_.backend() != Backend::kSqlite) return;
  auto st = db_.prepare("PRAGMA incremental_vacuum");
  while (st.step()) {
  }
}

}  // namespace portlens::store
