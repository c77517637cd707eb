// A bounded HTTP/1.1 POST for webhook and Alertmanager deliveries (Boost.Beast over Asio, one
// io_context per call on the caller's thread). The whole exchange (resolve, connect, write,
// read) has one timeout; the response's header and body are bounded, the body is not kept
// beyond `max_body` bytes. Plain http only (see http_url.h). No redirects are followed: a
// 3xx is a failure like any other non-2xx. Throws DeliveryError (permanent for 4xx other than
// 408 and 429). Called on the dispatcher's thread.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "alerts/http_url.h"

namespace portlens::alerts {

struct HttpLimits {
  std::chrono::milliseconds timeout{5000};
  std::size_t max_body = std::size_t{64} * 1024;
};

struct HttpResponse {
  unsigned status = 0;
  std::string body;
};

// Returns the 2xx response; throws DeliveryError for anything else.
HttpResponse postJson(const HttpUrl& url, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      const HttpLimits& limits);

}  // namespace portlens::alerts
