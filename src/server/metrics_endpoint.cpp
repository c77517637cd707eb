#include "server/metrics_endpoint.h"

#include "metrics/text_format.h"
#include "server/api_error.h"
#include "server/api_request.h"
#include "server/api_routes.h"

namespace portlens::server {
namespace {

// Compares in time that depends on the lengths only, not on where the first difference is.
bool sameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace

HttpResponse serveMetrics(const MetricsSettings& settings, const metrics::Registry& registry,
                          const HttpRequest& request) {
  if (!settings.enabled) return ApiRoutes::errorResponse(404, "not_found", "no such page");
  if (request.method != "GET" && request.method != "HEAD") {
    return ApiRoutes::errorResponse(405, "method_not_allowed", "use GET");
  }
  if (!settings.bearer_token.empty()) {
    std::optional<std::string> token;
    try {
      token = parseBearer(request.authorization);
    } catch (const ApiError&) {
      // A malformed header is answered like a wrong token, below.
    }
    if (!token || !sameSecret(*token, settings.bearer_token)) {
      auto r = ApiRoutes::errorResponse(401, "unauthorized", "/metrics needs its bearer token");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"portlens metrics\"");
      return r;
    }
  }
  HttpResponse r;
  r.content_type = std::string(metrics::kTextContentType);
  try {
    r.body = metrics::formatText(registry.collect());
  } catch (const std::exception& e) {
    return ApiRoutes::errorResponse(500, "internal", std::string("metrics: ") + e.what());
  }
  return r;
}

}  // namespace portlens::server
