// Monitors (scheduled scans), their runs, their findings and the append-only event table the
// alert outbox reads. Shares the ScanStore's connection (one database, one transaction for a
// run's completion and its findings), so it is a thin view created where a ScanStore is at hand.
//
// Storage grows with change, not with runs: a run is an ordinary scan row (its summary stays
// for the runs list), but only a monitor's last full result keeps its port rows; completing a
// run drops the previous run's rows in the same transaction that records the transitions.
//
// The event contract (the alerts helper delivers from it; rows are never updated or deleted):
//   finding_events(id, monitor_id, finding_id, event 'finding_opened'|'finding_resolved',
//                  scan_id, at_ms, finding_json, monitor_json)
// finding_json is the webhook's `finding` object, monitor_json its `monitor` object (no
// secrets); the caller (server/monitor_completion) builds both.
//
// Threading: like ScanStore (one thread at a time). Errors throw StoreError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/scan_store.h"

namespace portlens::store {

struct MonitorRow {
  std::int64_t id = 0;
  std::string name;
  std::string owner;  // the token name that made it; runs are scanned with its rights
  std::string targets_text;
  std::string ports_spec;   // compact numeric spec (PortSet::toString)
  std::string ports_label;  // as the user chose: "top1000", "all", the spec as typed
  scan::ScanType mode = scan::ScanType::kConnect;
  bool service_detection = false;
  std::int64_t every_seconds = 0;  // > 0: a fixed period; 0: `cron` is the schedule
  std::string cron;                // 5-field cron expression (UTC), when every_seconds is 0
  std::string policy_yaml;         // port policy text; "" = none
  std::string alerts_json = "[]";  // JSON array of destinations, stored as given
  bool paused = false;
  std::int64_t next_run_ms = 0;        // wall ms of the next due run
  std::int64_t last_scan_id = 0;       // the newest run queued (0 = none yet)
  std::int64_t last_full_scan_id = 0;  // the newest done run: the only one with port rows
  std::string last_error;              // why the last due run could not be queued, "" if none
  std::int64_t created_ms = 0;
};

struct FindingRow {
  std::int64_t id = 0;
  std::int64_t monitor_id = 0;
  std::string key;           // policy::findingKey
  std::string kind;          // policy::toString(kind)
  std::string finding_json;  // the webhook's `finding` object
  std::int64_t opened_ms = 0;
  std::int64_t resolved_ms = 0;  // 0 = open
  std::int64_t acknowledged_ms = 0;
  std::string acknowledged_by;
  std::int64_t opened_scan_id = 0;
  std::int64_t resolved_scan_id = 0;
};

struct NewFinding {
  std::string key;
  std::string kind;
  std::string finding_json;
};

// What a completed run changes, all written in one transaction with the scan's completion.
struct RunCompletion {
  std::int64_t monitor_id = 0;
  std::int64_t scan_id = 0;
  std::string monitor_json;  // the events' `monitor` object
  std::vector<NewFinding> opened;
  std::vector<std::int64_t> resolved;  // finding ids (open ones of this monitor)
  bool done = false;  // the scan is done: it becomes the last full result, the previous's rows go
};

enum class FindingState { kOpen, kResolved, kAll };

class MonitorStore {
 public:
  // `scans` owns the connection (and created the tables); both must outlive this.
  explicit MonitorStore(ScanStore& scans);

  std::int64_t insertMonitor(const MonitorRow& row);
  std::optional<MonitorRow> monitor(std::int64_t id);
  // Oldest first; `owner` nullopt = everyone's.
  std::vector<MonitorRow> listMonitors(const std::optional<std::string>& owner);
  // Writes every editable field (name .. paused, next_run_ms, last_error).
  void updateMonitor(const MonitorRow& row);
  // Removes the monitor, its runs' links and its findings; its scans stay ordinary scans
  // (retention removes them) and its events stay (the outbox may still deliver them).
  void deleteMonitor(std::int64_t id);

  // Not paused and next_run_ms <= now_ms.
  std::vector<MonitorRow> dueMonitors(std::int64_t now_ms);
  // Links scan `scan_id` (just inserted, in the caller's transaction) as a run of `monitor_id`
  // and moves the monitor's schedule to `next_run_ms`.
  void addRun(std::int64_t monitor_id, std::int64_t scan_id, std::int64_t next_run_ms);
  // The monitor a scan is a run of.
  std::optional<std::int64_t> monitorOfRun(std::int64_t scan_id);
  // The monitor's runs, newest first (scan ids).
  std::vector<std::int64_t> runs(std::int64_t monitor_id, std::int64_t before_id,
                                 std::size_t limit);

  std::vector<FindingRow> openFindings(std::int64_t monitor_id);
  // `monitor_id` 0 = every monitor `owner` may see (nullopt owner = all).
  std::vector<FindingRow> findings(std::int64_t monitor_id, FindingState state,
                                   const std::optional<std::string>& owner, std::size_t limit);
  std::optional<FindingRow> finding(std::int64_t id);
  // False when the finding does not exist. Acknowledging twice keeps the first.
  bool acknowledge(std::int64_t finding_id, const std::string& by);
  std::size_t countOpenFindings(std::int64_t monitor_id);
  // Open findings of every monitor by kind and monitor name (GET /metrics'
  // portlens_findings_open); monitors sharing a name share a row.
  struct OpenFindingCount {
    std::string kind;
    std::string monitor;
    std::int64_t count = 0;
  };
  std::vector<OpenFindingCount> openFindingCounts();

  // Writes `completion` inside the caller's transaction (which also finishes the scan): new
  // findings and their finding_opened events, resolutions and finding_resolved events, and the
  // monitor's last full result (when done). Returns the full result it replaced (0: none),
  // whose port rows the caller drops after committing (dropReplacedResults).
  std::int64_t applyCompletion(const RunCompletion& completion);

  // Removes the port rows of `scan_id` (0: nothing) unless it is still a monitor's last full
  // result, then gives the freed pages back. In transactions of 10,000 rows each, after the
  // completion's: deleting a /24 x 1000 run's rows takes longer than the rest of the
  // completion, and the run's alert events should not wait behind it for the write lock.
  // After a crash in between, the rows stay until the scan's retention removes it.
  void dropReplacedResults(std::int64_t scan_id);

  // Retention: removes finished scans (and their rows) finished before `cutoff_ms`, except
  // any monitor's last full result. Returns how many scans went.
  std::size_t deleteScansBefore(std::int64_t cutoff_ms);
  // Gives freed pages back to the file system (databases created with incremental
  // auto-vacuum; a no-op on older ones, whose free pages are reused instead).
  void releaseFreePages();

 private:
  MonitorRow readMonitor(Statement& st);
  FindingRow readFinding(Statement& st);
  void insertEvent(const RunCompletion& c, std::int64_t finding_id, std::string_view event,
                   const std::string& finding_json, std::int64_t now_ms);

  Database& db_;
  core::Clock& clock_;
};

// Creates the monitor tables when missing (ScanStore's constructor calls it: a database made
// by a version without monitors gains them on open, its rows kept).
void createMonitorSchema(Database& db);

}  // namespace portlens::store
