#include "server/server_log.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "output/time_format.h"

namespace portlens::server {
namespace {

constexpr std::string_view kSecretParameters[] = {
    "token",  "access_token", "key",           "api_key", "apikey",   "password",
    "secret", "auth",         "authorization", "sig",     "signature"};

bool isSecretParameter(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(std::begin(kSecretParameters), std::end(kSecretParameters), lower) !=
         std::end(kSecretParameters);
}

// A text value: bare when it is plain, else in quotes with \" \\ and \xNN for anything that
// is not printable ASCII, so a line stays one line whatever a peer sent.
void appendTextValue(std::string& out, std::string_view value) {
  const bool plain = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return c > ' ' && c < 0x7f && c != '"' && c != '=' && c != '\\';
  });
  if (plain) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte >= 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  out += '"';
}

std::string timestamp(core::Clock::WallTime when) {
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count() % 1000;
  std::string text = output::iso8601Utc(when);  // "...T09:08:31Z"
  text.insert(text.size() - 1, fmt::format(".{:03}", millis));
  return text;
}

void writeToStderr(std::string_view line) {
  while (!line.empty()) {
    const auto written = ::write(STDERR_FILENO, line.data(), line.size());
    if (written <= 0) return;  // nowhere to log to: the request still succeeds
    line.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

std::optional<LogFormat> parseLogFormat(std::string_view text) {
  if (text == "text") return LogFormat::kText;
  if (text == "json") return LogFormat::kJson;
  return std::nullopt;
}

std::string redactTarget(std::string_view target) {
  const auto q = target.find('?');
  if (q == target.npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view query = target.substr(q + 1);
  bool first = true;
  while (true) {
    const auto amp = query.find('&');
    const auto item = query.substr(0, amp);
    if (!first) out += '&';
    first = false;
    const auto eq = item.find('=');
    if (eq != item.npos && isSecretParameter(item.substr(0, eq))) {
      out += item.substr(0, eq + 1);
      out += "REDACTED";
    } else {
      out += item;
    }
    if (amp == query.npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

std::string formatLogLine(LogFormat format, std::string_view time, std::string_view event,
                          const LogFields& fields) {
  if (format == LogFormat::kJson) {
    nlohmann::ordered_json line;
    line["time"] = time;
    line["event"] = event;
    for (const auto& [key, value] : fields) {
      std::visit([&, k = std::string(key)](const auto& v) { line[k] = v; }, value);
    }
    return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  }
  std::string out;
  out += time;
  out += ' ';
  out += event;
  for (const auto& [key, value] : fields) {
    out += ' ';
    out += key;
    out += '=';
    if (const auto* text = std::get_if<std::string_view>(&value)) {
      appendTextValue(out, *text);
    } else if (const auto* number = std::get_if<std::int64_t>(&value)) {
      out += std::to_string(*number);
    } else {
      out += fmt::format("{:.3f}", std::get<double>(value));
    }
  }
  out += '\n';
  return out;
}

ServerLog::ServerLog(LogFormat format, core::Clock& clock, Sink sink)
    : format_(format), clock_(clock), sink_(sink ? std::move(sink) : Sink(writeToStderr)) {}

void ServerLog::write(std::string_view event, const LogFields& fields) {
  try {
    const auto line = formatLogLine(format_, timestamp(clock_.wallNow()), event, fields);
    std::lock_guard lock(mutex_);
    sink_(line);
  } catch (const std::exception&) {
    // Out of memory while formatting a log line: the line is lost, the service goes on.
  }
}

void ServerLog::request(const RequestLogEntry& entry) {
  const auto target = redactTarget(entry.target);
  const auto client = entry.client.toString();
  write("request", {{"method", entry.method},
                    {"path", std::string_view(target)},
                    {"status", std::int64_t{entry.status}},
                    {"bytes", static_cast<std::int64_t>(entry.bytes)},
                    {"ms", static_cast<double>(entry.duration.count()) / 1000.0},
                    {"client", std::string_view(client)},
                    {"token", entry.token.empty() ? std::string_view("-") : entry.token}});
}

void ServerLog::scanStarted(std::int64_t id, std::string_view owner, std::string_view mode,
                            std::string_view targets, std::string_view ports) {
  write("scan_start",
        {{"scan", id}, {"owner", owner}, {"mode", mode}, {"targets", targets}, {"ports", ports}});
}

void ServerLog::scanFinished(std::int64_t id, std::string_view status, std::uint64_t probes,
                             std::chrono::milliseconds duration, std::string_view error) {
  LogFields fields{{"scan", id},
                   {"status", status},
                   {"probes", static_cast<std::int64_t>(probes)},
                   {"ms", static_cast<std::int64_t>(duration.count())}};
  if (!error.empty()) fields.emplace_back("error", error);
  write("scan_end", fields);
}

void ServerLog::refused(const core::IpAddress& client, std::string_view token,
                        std::string_view targets, std::string_view code, std::string_view reason) {
  const auto address = client.toString();
  write("refused", {{"client", std::string_view(address)},
                    {"token", token.empty() ? std::string_view("-") : token},
                    {"targets", targets},
                    {"code", code},
                    {"reason", reason}});
}

void ServerLog::event(std::string_view level, std::string_view message) {
  write(level, {{"message", message}});
}

}  // namespace portlens::server
