// GET /metrics: the registry's families in Prometheus' text format (metrics/text_format.h).
// Called by http_server.cpp on an HTTP thread for path "/metrics"; scrape-time callbacks (the
// queue depth, open findings) run inside, so it costs a couple of small store queries.
// Answers: 200 text/plain; version=0.0.4; 404 when [metrics] enabled = false (as any unknown
// path); 405 for methods other than GET and HEAD; 401 with WWW-Authenticate: Bearer when a
// bearer_token is configured and the request does not carry it. Never throws.
#pragma once

#include "metrics/registry.h"
#include "server/http_types.h"
#include "server/server_config.h"

namespace portlens::server {

HttpResponse serveMetrics(const MetricsSettings& settings, const metrics::Registry& registry,
                          const HttpRequest& request);

}  // namespace portlens::server
