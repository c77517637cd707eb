#include "metrics/portlens_metrics.h"

namespace portlens::metrics {

PortlensMetrics::PortlensMetrics(Registry& r, std::string_view version)
    : registry(r),
      scans_started(r.counter("portlens_scans_started_total",
                              "Scans a job worker started running (a resumed scan counts again).",
                              {"mode"})),
      scans_finished(r.counter("portlens_scans_finished_total",
                               "Scan runs that ended, by outcome (done, failed, cancelled, "
                               "interrupted: queued again to resume).",
                               {"mode", "outcome"})),
      probes_sent(r.counter("portlens_probes_sent_total",
                            "Probes (SYNs or connects) sent by the web service's scans.",
                            {"mode"})),
      scan_duration(r.histogram("portlens_scan_duration_seconds",
                                "Wall time of scan runs that finished with outcome done.", {"mode"},
                                scanDurationBuckets())),
      alert_deliveries(r.counter("portlens_alert_deliveries_total",
                                 "Alerts delivered, by destination type.", {"destination"})),
      alert_failures(r.counter("portlens_alert_delivery_failures_total",
                               "Failed alert delivery attempts, by destination type.",
                               {"destination"})),
      http_duration(r.histogram("portlens_http_request_duration_seconds",
                                "HTTP request durations, by method, route template and status "
                                "class.",
                                {"method", "route", "status"}, httpDurationBuckets())) {
  r.gauge("portlens_build_info", "Always 1; the version of the running Portlens.", {"version"})
      .with({version})
      .set(1);
}

CallbackHandle registerScanQueueDepth(Registry& registry, GaugeCallback collect) {
  return registry.gaugeCallback("portlens_scan_queue_depth",
                                "Scans in the persistent queue, by status (queued, running).",
                                {"status"}, std::move(collect));
}

CallbackHandle registerOpenFindings(Registry& registry, GaugeCallback collect) {
  return registry.gaugeCallback("portlens_findings_open",
                                "Open (unresolved) findings, by kind and monitor.",
                                {"kind", "monitor"}, std::move(collect));
}

}  // namespace portlens::metrics
