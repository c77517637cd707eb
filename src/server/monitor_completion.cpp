#include "server/monitor_completion.h"

#include <fmt/core.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "net/resolver.h"
#include "policy/audit.h"
#include "policy/policy_parser.h"
#include "server/monitor_findings.h"
#include "server/scan_diff.h"

namespace portlens::server {
namespace {

std::vector<scan::PortRecord> allRecords(store::ScanStore& store, std::int64_t id) {
  const std::set<scan::PortState> all(scan::kAllPortStates.begin(), scan::kAllPortStates.end());
  std::vector<scan::PortRecord> out;
  for (auto& r : store.results(id, all, 0, std::numeric_limits<std::int64_t>::max())) {
    out.push_back(std::move(r.record));
  }
  return out;
}

}  // namespace

std::string monitorEventJson(const store::MonitorRow& monitor) {
  nlohmann::ordered_json j{{"id", monitor.id},
                           {"name", monitor.name},
                           {"targets", monitor.targets_text},
                           {"ports", monitor.ports_label},
                           {"mode", std::string(scan::toString(monitor.mode))}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::vector<policy::Finding>> auditRun(const std::string& policy_yaml,
                                                     const std::vector<scan::PortRecord>& records,
                                                     std::chrono::system_clock::time_point now,
                                                     const core::HostResolver& resolver) {
  if (policy_yaml.empty()) return std::vector<policy::Finding>{};
  try {
    auto port_policy = policy::parsePolicy(policy_yaml, "<monitor policy>");
    policy::resolvePolicyHostnames(port_policy, resolver);
    return policy::audit(port_policy, records, policy::utcDay(now));
  } catch (const core::UsageError& e) {
    // Checked when stored, so this is a hostname that stopped resolving: the audit's open
    // findings stay as they are rather than all resolving at once.
    fmt::print(stderr, "portlens serve: monitor policy: {}\n", e.what());
    return std::nullopt;
  }
}

std::int64_t completeScan(store::ScanStore& store, const store::ScanRow& row,
                          const registry::PortRegistry& registry) {
  store::MonitorStore monitors(store);
  const auto monitor_id = monitors.monitorOfRun(row.id);
  const auto monitor = monitor_id ? monitors.monitor(*monitor_id) : std::nullopt;
  if (!monitor || row.status != store::ScanStatus::kDone) {
    // Not a monitor's full result: no findings change, the previous full result stays the one
    // compared with next time.
    store.clearCompletionPending(row.id);
    return 0;
  }
  // Port rows of finished scans do not change: read and compare them before the write lock.
  // The diff reads only the ports whose rows differ between the runs (the rest cannot be a
  // change), so a run's alerts do not wait for a pass over every unchanged port.
  ScanDiff diff;
  if (const auto last = monitor->last_full_scan_id; last != 0 && last != row.id) {
    auto differing = store.differingResults(last, row.id);
    diff = diffScans(std::move(differing.before), std::move(differing.after));
  }
  std::vector<scan::PortRecord> current;
  if (!monitor->policy_yaml.empty()) current = allRecords(store, row.id);
  auto audited =
      auditRun(monitor->policy_yaml, current, store.clock().wallNow(), net::resolveHostname);
  store::Transaction tx(store.database());
  // Another front end processed it first (several serve processes on one database).
  if (!store.clearCompletionPending(row.id)) return 0;
  // Open findings are read under the lock: only completions change them, acknowledgements
  // only touch their acknowledged_* columns.
  const auto open = monitors.openFindings(monitor->id);
  std::vector<policy::Finding> wanted;
  if (audited) {
    wanted = std::move(*audited);
  } else {
    wanted = openFindingsExcept(open, isDiffKind);
  }
  auto diff_kinds = nextDiffFindings(openDiffFindings(open), diff, registry);
  wanted.insert(wanted.end(), diff_kinds.begin(), diff_kinds.end());
  auto transitions = reconcile(open, wanted);
  store::RunCompletion completion;
  completion.monitor_id = monitor->id;
  completion.scan_id = row.id;
  completion.monitor_json = monitorEventJson(*monitor);
  completion.opened = std::move(transitions.opened);
  completion.resolved = std::move(transitions.resolved);
  completion.done = true;
  const auto replaced = monitors.applyCompletion(completion);
  tx.commit();
  return replaced;
}

CompletedScans completeFinishedScans(store::ScanStore& store,
                                     const registry::PortRegistry& registry) {
  CompletedScans completed;
  for (const auto id : store.pendingCompletions()) {
    if (auto row = store.scan(id); row && store::isFinal(row->status)) {
      if (const auto replaced = completeScan(store, *row, registry)) {
        completed.replaced.push_back(replaced);
      }
      ++completed.count;
    }
  }
  return completed;
}

void finishJob(store::ScanStore& store, const store::ScanRow& row, store::ScanStatus status,
               const std::string& error, std::uint64_t probes_sent,
               const registry::PortRegistry& registry) {
  store.finishScan(row.id, status, error, probes_sent);
  if (auto finished = store.scan(row.id)) {
    store::MonitorStore(store).dropReplacedResults(completeScan(store, *finished, registry));
  }
}

}  // namespace portlens::server
