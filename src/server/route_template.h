// Bounded label values for the HTTP metrics (metrics/portlens_metrics.h): a request's path
// becomes its route template ("/api/v1/scans/{id}/results"), never the path itself, so ids,
// port names and whatever a client types cannot grow the label set. Pure; called on the HTTP
// threads once per request.
#pragma once

#include <string_view>

namespace portlens::server {

// "/api/v1/scans/12/diff/9" -> "/api/v1/scans/{id}/diff/{other}". Known routes:
//   /  /healthz  /metrics  /static (every other page asset, found or not)
//   /api/v1/whoami  /api/v1/ports/{port}
//   /api/v1/scans  /api/v1/scans/{id}  /api/v1/scans/{id}/results  /api/v1/scans/{id}/events
//   /api/v1/scans/{id}/cancel  /api/v1/scans/{id}/diff/{other}
//   /api/v1/monitors  /api/v1/monitors/{id}  /api/v1/monitors/{id}/runs  /api/v1/findings
//   /api/v1/findings/{id}  /api/v1/findings/{id}/{action}
// Anything else under /api/ is "/api/other". The template says which handler the path
// reaches, not whether it exists (ids are not looked up).
std::string_view httpRouteTemplate(std::string_view path);

// GET HEAD POST PUT PATCH DELETE OPTIONS as they are; any other method "other".
std::string_view httpMethodLabel(std::string_view method);

// 200 -> "2xx"; outside 100..599 -> "5xx" (never sent: the server answers 500 first).
std::string_view httpStatusClass(int status);

}  // namespace portlens::server
