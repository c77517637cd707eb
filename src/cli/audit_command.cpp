#include "cli/audit_command.h"

#include <fmt/core.h>

#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <system_error>

#include "cli/audit_report.h"
#include "cli/policy_files.h"
#include "cli/scan_run.h"
#include "cli/signals.h"
#include "core/clock.h"
#include "core/error.h"
#include "net/resolver.h"
#include "output/service_view.h"
#include "policy/audit.h"

namespace portlens::cli {
namespace {

struct AuditOptions {
  ScanOptions scan;
  std::string policy_file;
  bool local = false;
  bool watch = false;
  double interval_seconds = 0.5;
  std::string format = "text";
  std::string output_file;
};

// Keeps every record of the scan for the audit (nothing is shown while it runs).
class RecordCollector final : public output::Formatter {
 public:
  void begin(const scan::ScanInfo&) override {}
  void port(const scan::PortRecord& record) override { records_.push_back(record); }
  void host(const scan::HostRecord&) override { ++hosts_; }
  void end(const scan::ScanSummary&) override {}
  std::vector<scan::PortRecord>& records() { return records_; }
  std::uint64_t hosts() const { return hosts_; }

 private:
  std::vector<scan::PortRecord> records_;
  std::uint64_t hosts_ = 0;
};

// Without -sV a finding still names the port's usual service (8080: http-proxy), as the scan
// output would.
void nameServices(std::vector<policy::Finding>& findings, const registry::PortRegistry& registry) {
  for (policy::Finding& finding : findings) {
    if (!finding.service.empty() || finding.kind == policy::FindingKind::kMissing) continue;
    scan::PortRecord record;
    record.port = finding.port;
    finding.service = output::serviceView(record, registry).name;
  }
}

class Report {
 public:
  explicit Report(const AuditOptions& options) : format_(parseReportFormat(options.format)) {
    if (!options.output_file.empty()) {
      file_.open(options.output_file, std::ios::out | std::ios::trunc);
      if (!file_) throw core::UsageError("cannot write output file '" + options.output_file + "'");
    }
    out_ = options.output_file.empty() ? &std::cout : &file_;
  }
  std::ostream& out() { return *out_; }
  ReportFormat format() const { return format_; }
  void check() {
    out_->flush();
    if (!*out_) throw std::system_error(errno, std::generic_category(), "writing the output");
  }

 private:
  ReportFormat format_;
  std::ofstream file_;
  std::ostream* out_ = nullptr;
};

core::TargetSet auditTargets(const AuditOptions& options, const policy::PortPolicy& policy) {
  if (!options.scan.targets.empty() || !options.scan.input_list.empty()) {
    return resolveTargets(options.scan, net::resolveHostname);
  }
  core::TargetSet targets = policyTargets(policy);
  if (targets.empty()) {
    throw core::UsageError(
        fmt::format("{} names no hosts to scan (only `match: local`): give targets, or use --local",
                    policy.file));
  }
  subtractExcluded(targets, options.scan, net::resolveHostname);
  return targets;
}

int runRemoteAudit(const AuditOptions& options, CommandContext& context) {
  Report report(options);  // a bad --format or -o is refused before the scan
  core::SystemClock clock;
  const policy::PortPolicy policy = loadPolicy(options.policy_file, true);
  auto registry = registry::PortRegistry::builtin();
  if (options.scan.port_ranking == "nmap" && !registry.loadNmapRanking()) {
    throw core::UsageError("--port-ranking nmap: nmap-services is not installed");
  }
  // The ports asked for (top 1000 by default) and every documented one, so that `missing`
  // is always decided from a probe.
  core::PortSet ports = resolvePorts(options.scan, registry);
  for (std::uint16_t port : policy::documentedPorts(policy, false)) ports.add(port);
  core::TargetSet targets = auditTargets(options, policy);
  const ScanPlan plan = planScan(options.scan, targets, ports);

  RecordCollector collector;
  const std::set<scan::PortState> all(scan::kAllPortStates.begin(), scan::kAllPortStates.end());
  const scan::ScanSummary summary = runPlannedScan(options.scan, plan, targets, ports,
                                                   context.command_line, collector, all, clock);
  if (summary.interrupted) {
    std::cerr << "portlens: scan interrupted: no audit of a partial scan\n";
    return core::kExitInterrupted;
  }
  std::vector<policy::Finding> findings =
      policy::audit(policy, collector.records(), policy::utcDay(clock.wallNow()));
  nameServices(findings, registry);
  AuditSummary audit_summary;
  audit_summary.policy = policy.file;
  audit_summary.hosts = collector.hosts();
  audit_summary.service_detection = plan.request.service_detection.has_value();
  audit_summary.elapsed_seconds = summary.elapsed_seconds;
  writeAuditReport(report.out(), report.format(), findings, audit_summary);
  report.check();
  return findings.empty() ? core::kExitOk : core::kExitNotFound;
}

std::vector<policy::Finding> auditListeners(const policy::PortPolicy& policy,
                                            const std::vector<policy::Listener>& listeners,
                                            const registry::PortRegistry& registry,
                                            core::Clock& clock) {
  auto findings = policy::auditLocal(policy, listeners, policy::utcDay(clock.wallNow()));
  nameServices(findings, registry);
  return findings;
}

// --watch: the first audit's findings, then every finding that appears or goes away, polled
// every interval (0.5 s: a new listener is reported within a second), until SIGINT/SIGTERM.
int watchListeners(const AuditOptions& options, const policy::PortPolicy& policy,
                   const registry::PortRegistry& registry, Report& report) {
  if (!(options.interval_seconds >= 0.05 && options.interval_seconds <= 60)) {
    throw core::UsageError("--interval must be between 0.05 and 60 seconds");
  }
  core::SystemClock clock;
  StopSignal stop;
  std::map<std::string, policy::Finding> open;
  bool any = false;
  bool first = true;
  const auto interval = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(options.interval_seconds));
  while (!stop.flag().load()) {
    const auto next = clock.now() + interval;
    std::map<std::string, policy::Finding> now;
    for (auto& finding : auditListeners(policy, readListeners(first), registry, clock)) {
      now.emplace(policy::findingKey(finding), std::move(finding));
    }
    first = false;
    for (const auto& [key, finding] : now) {
      if (open.contains(key)) continue;
      writeWatchEvent(report.out(), report.format(), "finding_opened", finding, clock.wallNow());
      any = true;
    }
    for (const auto& [key, finding] : open) {
      if (now.contains(key)) continue;
      writeWatchEvent(report.out(), report.format(), "finding_resolved", finding, clock.wallNow());
    }
    report.check();
    open = std::move(now);
    // Short sleeps, so Ctrl-C ends the watch at once.
    while (!stop.flag().load() && clock.now() < next) {
      clock.sleepUntil(std::min(next, clock.now() + std::chrono::milliseconds(50)));
    }
  }
  return any ? core::kExitNotFound : core::kExitOk;
}

int runLocalAudit(const AuditOptions& options) {
  if (!options.scan.targets.empty()) {
    throw core::UsageError("--local audits this machine's listeners: drop the targets");
  }
  Report report(options);
  const policy::PortPolicy policy = loadPolicy(options.policy_file, false);
  const auto registry = registry::PortRegistry::builtin();
  if (options.watch) return watchListeners(options, policy, registry, report);
  core::SystemClock clock;
  const auto listeners = readListeners(true);
  const auto findings = auditListeners(policy, listeners, registry, clock);
  AuditSummary summary;
  summary.policy = policy.file;
  summary.local = true;
  summary.hosts = listeners.size();
  writeAuditReport(report.out(), report.format(), findings, summary);
  report.check();
  return findings.empty() ? core::kExitOk : core::kExitNotFound;
}

void runAudit(const AuditOptions& options, CommandContext& context) {
  if (options.watch && !options.local) throw core::UsageError("--watch needs --local");
  // Errors are exit code 2 here, like ndiff's: 1 means "findings" to cron and CI.
  try {
    context.exit_code = options.local ? runLocalAudit(options) : runRemoteAudit(options, context);
  } catch (const std::system_error& e) {
    fmt::print(stderr, "portlens: {}\n", e.what());
    context.exit_code = core::kExitUsage;
  }
}

}  // namespace

void addAuditCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<AuditOptions>();
  CLI::App* cmd = app.add_subcommand(
      "audit",
      "Check hosts (a scan) or this machine's listeners (--local) against a port policy; "
      "exit 0 no finding, 1 findings, 2 errors");
  cmd->add_option("--policy", options->policy_file, "The port policy (YAML)")->required();
  cmd->add_flag("--local", options->local,
                "Audit this machine's listening sockets against the `match: local` entries");
  cmd->add_flag("--watch", options->watch,
                "With --local: keep watching, report findings as they appear and go away");
  cmd->add_option("--interval", options->interval_seconds, "--watch: seconds between looks")
      ->capture_default_str();
  cmd->add_option("--format", options->format, "text, json, ndjson")
      ->check(CLI::IsMember({"text", "json", "ndjson"}));
  cmd->add_option("-o,--output", options->output_file, "Write the report to FILE");
  addScanOptions(*cmd, options->scan);
  cmd->callback([options, &context] { runAudit(*options, context); });
}

}  // namespace portlens::cli
