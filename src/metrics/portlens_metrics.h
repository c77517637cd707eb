// The catalogue of Portlens' metric families: every name, HELP text and label set in one place
// (README and docs/metrics.md list the same), so that whoever counts only increments.
// The serve command builds one Registry and one PortlensMetrics over it, and hands the
// families to the parts that count:
//   - the job runner: scans_started, scans_finished, probes_sent, scan_duration;
//   - the HTTP server: http_duration (route templates, never raw paths);
//   - the alert deliveries (webhook, alertmanager, syslog, email): alert_deliveries and
//     alert_failures, e.g. `metrics.alert_deliveries.with({"webhook"}).inc()`;
//   - the monitors: registerOpenFindings() with a callback that reads their store at scrape time.
// Label values are bounded sets, listed with each family below. Thread-safe (registry.h).
#pragma once

#include "metrics/registry.h"

namespace portlens::metrics {

struct PortlensMetrics {
  // Registers the families below (and portlens_build_info{version} = 1). Call once per
  // registry: a second call throws std::invalid_argument (names registered twice).
  PortlensMetrics(Registry& registry, std::string_view version);

  Registry& registry;
  // portlens_scans_started_total{mode}: a job worker began running a scan (a resumed scan
  // counts again). mode: "connect", "syn".
  CounterFamily& scans_started;
  // portlens_scans_finished_total{mode,outcome}: outcome "done", "failed", "cancelled", or
  // "interrupted" (the server stopped; the scan is queued again and resumes at the next start).
  CounterFamily& scans_finished;
  // portlens_probes_sent_total{mode}: probes sent by scans of the web service (each run's own).
  CounterFamily& probes_sent;
  // portlens_scan_duration_seconds{mode}: wall time of runs that finished with outcome "done".
  HistogramFamily& scan_duration;
  // portlens_alert_deliveries_total{destination}: alerts delivered (accepted by the receiver).
  // destination: "webhook", "alertmanager", "syslog", "email" ("unknown" when a stored
  // destination cannot be read; never the URL or address).
  CounterFamily& alert_deliveries;
  // portlens_alert_delivery_failures_total{destination}: failed delivery attempts (each retry
  // that fails counts once; an alert that later succeeds also counts in alert_deliveries).
  CounterFamily& alert_failures;
  // portlens_http_request_duration_seconds{method,route,status}: from the request read to the
  // response written. method: GET HEAD POST PUT PATCH DELETE OPTIONS other; route: a template
  // of httpRouteTemplate() (server/route_template.h); status: "1xx" .. "5xx".
  HistogramFamily& http_duration;
};

// portlens_scan_queue_depth{status}: scans in the persistent queue, status "queued" or
// "running"; `collect` reads the store at scrape time.
[[nodiscard]] CallbackHandle registerScanQueueDepth(Registry& registry, GaugeCallback collect);

// portlens_findings_open{kind,monitor}: open (unresolved) findings per finding kind
// (policy::toString(FindingKind)) and monitor name. For the monitors' store, e.g.
//   auto handle = registerOpenFindings(registry, [&store](GaugeSink& sink) {
//     for (auto& [kind, monitor, n] : store.countOpenFindings()) sink.add({kind, monitor}, n);
//   });
// Keep the handle as long as the store lives. Monitor names are bounded by the number of
// monitors (a token holder creates them; at most kDefaultMaxSeries samples are shown).
[[nodiscard]] CallbackHandle registerOpenFindings(Registry& registry, GaugeCallback collect);

}  // namespace portlens::metrics
