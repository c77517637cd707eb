// What each destination receives for an event: pure formatting, no I/O. Called by the
// dispatcher's deliverer (any thread). Text from the finding (service names, process names,
// details) may come from a remote peer: JSON escapes it, syslog and mail strip control
// characters so it cannot forge lines, headers or structured data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "alerts/alert_event.h"

namespace portlens::alerts {

// The webhook body: {"event","event_id","finding","monitor","scan_id","at"} with the monitor
// stripped of its "alerts" (secrets); "at" is RFC 3339 UTC with milliseconds.
std::string webhookBody(const AlertEvent& event);

// The Alertmanager v2 body: a one-alert array, labels alertname="PortlensFinding", kind, ip,
// port, monitor; annotations summary and description; startsAt for a firing alert and also
// endsAt (the resolution time) for a resolved one.
std::string alertmanagerBody(const AlertEvent& event);

// An RFC 5424 message: <PRI>1 TIMESTAMP HOST portlens PID EVENT [portlens@32473 ...] TEXT.
// Severity warning (4) for an opened finding, notice (5) for a resolved one.
std::string syslogMessage(const AlertEvent& event, int facility, const std::string& hostname,
                          std::int64_t pid);

// A complete RFC 5322 message (headers, blank line, text body), lines ended by CRLF, not yet
// dot-stuffed (the SMTP client does that).
std::string emailMessage(const AlertEvent& event, const std::string& from,
                         const std::vector<std::string>& to, const std::string& delivery_id);

// One line a person reads: "finding_opened: port_opened 198.19.0.7:8080 (monitor dmz)".
std::string eventSummary(const AlertEvent& event);

// Unix milliseconds as "2026-12-02T07:00:00.123Z"; RFC 5322's "Wed, 02 Dec 2026 07:00:00 +0000".
std::string rfc3339(std::int64_t unix_ms);
std::string rfc5322Date(std::int64_t unix_ms);

}  // namespace portlens::alerts
