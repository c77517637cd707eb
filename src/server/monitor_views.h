// JSON renderings of monitors and findings for the API. Pure given the rows.
//   monitorJson: {"id","name","targets","ports","mode","service_detection","every"|"cron",
//                 "policy" (text or null),"alerts","paused","next_run_at","last_error",
//                 "created_at","open_findings","last_run" (as GET /api/v1/scans/{id}, or null)}
//                 "alerts" as stored without any destination's "secret" (a webhook's HMAC key is
//                 write-only: whoever reads the monitor could otherwise forge its alerts)
//   findingRowJson: {"id","monitor_id","key","kind","state":"open"|"resolved","finding":{...},
//                    "opened_at","resolved_at","acknowledged_at","acknowledged_by",
//                    "opened_scan_id","resolved_scan_id"}
// Times are seconds since the epoch (as scans show them), null when not yet.
#pragma once

#include <optional>

#include "server/scan_views.h"
#include "store/monitor_store.h"

namespace portlens::server {

// 90 -> "90s", 900 -> "15m", 3600 -> "1h".
std::string everyText(std::int64_t seconds);

Json monitorJson(const store::MonitorRow& monitor, const std::optional<store::ScanRow>& last_run,
                 std::size_t open_findings);

Json findingRowJson(const store::FindingRow& finding);

// The stored alert destinations (a JSON array text) without their "secret" fields; null when
// the text does not parse.
Json alertsWithoutSecrets(const std::string& alerts_json);

}  // namespace portlens::server
