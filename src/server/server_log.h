// The web service's log: one line per request, per scan start and end, per refused target,
// and per operational event (TLS reload), as text (key=value) or JSON, to stderr by default
// so that journald takes them. Lines are written whole with one write(2) under a mutex, so
// lines from the HTTP threads and the job workers never interleave.
//
// Everything here that comes from a peer (paths, targets, reasons) is escaped: a text line is
// always one line of printable ASCII, a JSON line is valid JSON (bytes that are not UTF-8
// become U+FFFD). Query parameters that carry secrets are replaced before anything is written.
//
// Threads: any. Errors: writing never throws (a full disk must not fail a request).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/ip_address.h"
#include "server/server_config.h"

namespace portlens::server {

// "text" or "json"; nullopt otherwise.
std::optional<LogFormat> parseLogFormat(std::string_view text);

// "/api/v1/scans?token=abc&limit=5" -> "/api/v1/scans?token=REDACTED&limit=5": the values of
// parameters that name a credential (token, access_token, key, api_key, password, secret,
// auth, authorization, sig, signature; any case) are replaced.
std::string redactTarget(std::string_view target);

using LogValue = std::variant<std::string_view, std::int64_t, double>;
using LogFields = std::vector<std::pair<std::string_view, LogValue>>;

// One line with its newline. Text: `TIME EVENT key=value ...`, values quoted and escaped
// when needed; JSON: {"time":...,"event":...,key:value,...}. Pure.
std::string formatLogLine(LogFormat format, std::string_view time, std::string_view event,
                          const LogFields& fields);

struct RequestLogEntry {
  std::string_view method;
  std::string_view target;  // path and query as received; redacted here
  int status = 0;
  std::uint64_t bytes = 0;  // response body bytes (streamed bytes for an event stream)
  std::chrono::microseconds duration{0};
  core::IpAddress client;  // after proxy resolution
  std::string_view token;  // token name; empty when anonymous
};

class ServerLog {
 public:
  using Sink = std::function<void(std::string_view line)>;
  // The default sink writes to stderr.
  ServerLog(LogFormat format, core::Clock& clock, Sink sink = {});

  void request(const RequestLogEntry& entry);
  void scanStarted(std::int64_t id, std::string_view owner, std::string_view mode,
                   std::string_view targets, std::string_view ports);
  void scanFinished(std::int64_t id, std::string_view status, std::uint64_t probes,
                    std::chrono::milliseconds duration, std::string_view error);
  void refused(const core::IpAddress& client, std::string_view token, std::string_view targets,
               std::string_view code, std::string_view reason);
  // Operational events: level "info", "warning" or "error".
  void event(std::string_view level, std::string_view message);

 private:
  void write(std::string_view event, const LogFields& fields);

  LogFormat format_;
  core::Clock& clock_;
  Sink sink_;
  std::mutex mutex_;
};

}  // namespace portlens::server
