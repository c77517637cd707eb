// The HTTP request and response as the routes see them: plain values, no Beast types, so
// the routes compile fast and are testable without sockets.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/ip_address.h"

namespace portlens::server {

// What the routes learn while answering that the request log wants (server_log.h).
struct RequestNotes {
  std::string token;            // the caller's token name; empty when anonymous
  std::string refused_targets;  // a scan the target policy refused: its targets,
  std::string refused_code;     // the answer's code ("target_forbidden", ...)
  std::string refused_reason;   // and its message
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query
  std::string query;   // after '?', undecoded
  std::string authorization;
  std::string content_type;
  std::string last_event_id;
  std::string body;
  core::IpAddress client;         // after proxy resolution (target_policy/forwarded.h)
  RequestNotes* notes = nullptr;  // filled by the routes when set (the HTTP server sets it)
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones
};

}  // namespace portlens::server
