// The HTTP request and response as the routes see them: plain values, no Beast types, so
// the routes compile fast and are testable without sockets.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/ip_address.h"

namespace portlens::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query
  std::string query;   // after '?', undecoded
  std::string authorization;
  std::string content_type;
  std::string last_event_id;
  std::string body;
  core::IpAddress client;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones
};

}  // namespace portlens::server
