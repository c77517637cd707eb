#include "alerts/payloads.h"

#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>

namespace portlens::alerts {
namespace {

constexpr std::size_t kMaxTextField = 200;  // summary lines, headers, syslog values

nlohmann::json parsedOrNull(const std::string& text) {
  auto value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  // A discarded value would be dumped as "<discarded>", which is not JSON.
  return value.is_discarded() ? nlohmann::json() : value;
}

// The monitor as receivers see it: everything but its destinations (their secrets).
nlohmann::json publicMonitor(const AlertEvent& event) {
  nlohmann::json monitor = parsedOrNull(event.monitor_json);
  if (!monitor.is_object()) return {{"id", event.monitor_id}};
  monitor.erase("alerts");
  return monitor;
}

std::string textOf(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return "";
  const nlohmann::json& value = object.at(key);
  if (value.is_null()) return "";
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// Printable ASCII only, bounded: for mail headers, syslog and summary lines.
std::string plain(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxTextField)) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back(byte >= 0x20 && byte < 0x7f ? c : '?');
  }
  return out;
}

struct FindingFacts {
  std::string kind, ip, port, monitor, detail;
};

FindingFacts factsOf(const AlertEvent& event) {
  const nlohmann::json finding = parsedOrNull(event.finding_json);
  const nlohmann::json monitor = parsedOrNull(event.monitor_json);
  std::string name = textOf(monitor, "name");
  if (name.empty()) name = std::to_string(event.monitor_id);
  return {plain(textOf(finding, "kind")), plain(textOf(finding, "ip")),
          plain(textOf(finding, "port")), plain(name), plain(textOf(finding, "detail"))};
}

std::string hostPort(const FindingFacts& facts) {
  const bool v6 = facts.ip.find(':') != std::string::npos;
  return (v6 ? "[" + facts.ip + "]" : facts.ip) + ":" + facts.port;
}

std::tm utc(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  return parts;
}

// RFC 5424 PARAM-VALUE: '"', '\' and ']' are escaped with a backslash.
std::string sdValue(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\' || c == ']') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string rfc3339(std::int64_t unix_ms) {
  const std::tm t = utc(unix_ms);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", t.tm_year + 1900, t.tm_mon + 1,
                     t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, unix_ms % 1000);
}

std::string rfc5322Date(std::int64_t unix_ms) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::tm t = utc(unix_ms);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays[t.tm_wday], t.tm_mday,
                     kMonths[t.tm_mon], t.tm_year + 1900, t.tm_hour, t.tm_min, t.tm_sec);
}

std::string eventSummary(const AlertEvent& event) {
  const FindingFacts facts = factsOf(event);
  return fmt::format("{}: {} {} (monitor {})", plain(event.event), facts.kind, hostPort(facts),
                     facts.monitor);
}

std::string webhookBody(const AlertEvent& event) {
  nlohmann::json body = {{"event", event.event},
                         {"event_id", event.id},
                         {"finding", parsedOrNull(event.finding_json)},
                         {"monitor", publicMonitor(event)},
                         {"scan_id", nullptr},
                         {"at", rfc3339(event.at_ms)}};
  if (event.scan_id) body["scan_id"] = *event.scan_id;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string alertmanagerBody(const AlertEvent& event) {
  const FindingFacts facts = factsOf(event);
  nlohmann::json alert = {
      {"labels",
       {{"alertname", "PortlensFinding"},
        {"kind", facts.kind},
        {"ip", facts.ip},
        {"port", facts.port},
        {"monitor", facts.monitor}}},
      {"annotations",
       {{"summary", facts.kind + " " + hostPort(facts)},
        {"description", facts.detail.empty() ? eventSummary(event) : facts.detail}}},
      {"startsAt", rfc3339(event.at_ms)}};
  if (event.event == "finding_resolved") alert["endsAt"] = rfc3339(event.at_ms);
  return nlohmann::json::array({alert}).dump();
}

std::string syslogMessage(const AlertEvent& event, int facility, const std::string& hostname,
                          std::int64_t pid) {
  const FindingFacts facts = factsOf(event);
  const int severity = event.event == "finding_resolved" ? 5 : 4;
  std::string host = plain(hostname);
  for (char& c : host) {
    if (c == ' ') c = '-';
  }
  if (host.empty()) host = "-";
  return fmt::format(
      "<{}>1 {} {} portlens {} {} [portlens@32473 event_id=\"{}\" kind=\"{}\" ip=\"{}\" "
      "port=\"{}\" monitor=\"{}\"] {}{}",
      facility * 8 + severity, rfc3339(event.at_ms), host.substr(0, 255), pid,
      plain(event.event).substr(0, 32), event.id, sdValue(facts.kind), sdValue(facts.ip),
      sdValue(facts.port), sdValue(facts.monitor), eventSummary(event),
      facts.detail.empty() ? "" : ": " + facts.detail);
}

std::string emailMessage(const AlertEvent& event, const std::string& from,
                         const std::vector<std::string>& to, const std::string& delivery_id) {
  const FindingFacts facts = factsOf(event);
  std::string recipients;
  for (const auto& address : to) recipients += (recipients.empty() ? "" : ", ") + address;
  std::string message = fmt::format(
      "From: <{}>\r\nTo: {}\r\nSubject: [Portlens] {}\r\nDate: {}\r\n"
      "Message-ID: <{}@portlens>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n"
      "X-Portlens-Delivery: {}\r\n\r\n",
      from, recipients, eventSummary(event), rfc5322Date(event.at_ms), plain(delivery_id),
      plain(delivery_id));
  message += eventSummary(event) + "\r\n";
  if (!facts.detail.empty()) message += facts.detail + "\r\n";
  message += "\r\nAt: " + rfc3339(event.at_ms) + "\r\n";
  if (event.scan_id) message += "Scan: " + std::to_string(*event.scan_id) + "\r\n";
  message += "\r\nThe event as the webhook receives it:\r\n";
  // ensure_ascii: the body is 7-bit, whatever the finding's text holds.
  nlohmann::json body = nlohmann::json::parse(webhookBody(event));
  message += body.dump(2, ' ', true) + "\r\n";
  return message;
}

}  // namespace portlens::alerts
