#include "alerts/destination.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <optional>

namespace portlens::alerts {
namespace {

constexpr std::size_t kMaxDestinations = 8;
constexpr std::size_t kMaxRecipients = 16;
constexpr std::size_t kMaxSecret = 256;

[[noreturn]] void invalid(const std::string& what) { throw DestinationError(what, false); }

std::string stringField(const nlohmann::json& object, const char* key, std::string_view type) {
  const nlohmann::json& value = object.contains(key) ? object.at(key) : nlohmann::json::object();
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
    invalid(std::string(type) + " needs a \"" + key + "\" string");
  }
  return value.get<std::string>();
}

HttpUrl urlField(const nlohmann::json& object, std::string_view type) {
  std::string error;
  auto url = parseHttpUrl(stringField(object, "url", type), error);
  if (!url) invalid(std::string(type) + " \"url\": " + error);
  return *url;
}

// A mailbox without display name: local@domain, no spaces, brackets or line breaks (it goes
// into SMTP commands and headers verbatim).
std::string mailboxField(const nlohmann::json& value, std::string_view key) {
  if (!value.is_string()) invalid("email \"" + std::string(key) + "\" must be a string");
  const auto& text = value.get_ref<const std::string&>();
  const bool safe = std::none_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f || c == '<' || c == '>' || c == ',' || c == '"';
  });
  const auto at = text.find('@');
  if (!safe || text.size() > 254 || at == 0 || at == text.npos || at + 1 == text.size()) {
    invalid("email \"" + std::string(key) + "\": '" + text.substr(0, 80) +
            "' is not an address like name@example.org");
  }
  return text;
}

void rejectUnknownKeys(const nlohmann::json& object, std::initializer_list<std::string_view> known,
                       std::string_view type) {
  for (const auto& item : object.items()) {
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
      invalid(std::string(type) + ": unknown key \"" + item.key().substr(0, 40) + "\"");
    }
  }
}

Destination parseEmail(const nlohmann::json& object) {
  rejectUnknownKeys(object, {"type", "to", "from", "smtp"}, "email");
  Destination out;
  out.type = DestinationType::kEmail;
  if (!object.contains("to")) invalid("email needs \"to\"");
  const nlohmann::json& to = object.at("to");
  if (to.is_array()) {
    if (to.empty() || to.size() > kMaxRecipients) invalid("email \"to\": 1 to 16 addresses");
    for (std::size_t i = 0; i < to.size(); ++i) out.to.push_back(mailboxField(to.at(i), "to"));
  } else {
    out.to.push_back(mailboxField(to, "to"));
  }
  if (!object.contains("from")) invalid("email needs \"from\"");
  out.from = mailboxField(object.at("from"), "from");
  const auto relay = parseHostPort(stringField(object, "smtp", "email"), 25);
  if (!relay) invalid("email \"smtp\" must be HOST or HOST:PORT");
  std::tie(out.smtp_host, out.smtp_port) = *relay;
  return out;
}

Destination parseSyslog(const nlohmann::json& object) {
  rejectUnknownKeys(object, {"type", "facility", "socket"}, "syslog");
  Destination out;
  out.type = DestinationType::kSyslog;
  out.socket = "/dev/log";
  if (object.contains("facility")) {
    out.facility = parseFacility(stringField(object, "facility", "syslog"));
    if (out.facility < 0) invalid("syslog \"facility\" must be a name like daemon or local0");
  }
  if (object.contains("socket")) {
    out.socket = stringField(object, "socket", "syslog");
    // sun_path holds 107 characters and a NUL.
    if (!out.socket.starts_with('/') || out.socket.size() > 107) {
      invalid("syslog \"socket\" must be an absolute path of at most 107 characters");
    }
  }
  return out;
}

struct AllowEntry {
  std::string scheme;  // "http", "smtp", "unix"
  std::string host;
  std::uint16_t port = 0;
  std::string path;
};

std::optional<AllowEntry> parseAllowEntry(std::string_view entry, std::string& error) {
  AllowEntry out;
  if (entry.starts_with("unix:/")) {
    out.scheme = "unix";
    out.path = std::string(entry.substr(5));
    return out;
  }
  if (entry.starts_with("smtp://")) {
    const auto relay = parseHostPort(entry.substr(7), 25);
    if (!relay) {
      error = "expected smtp://HOST:PORT";
      return std::nullopt;
    }
    out.scheme = "smtp";
    std::tie(out.host, out.port) = *relay;
    return out;
  }
  const auto url = parseHttpUrl(entry, error);
  if (!url) {
    error += " (or use smtp://HOST:PORT, unix:/PATH)";
    return std::nullopt;
  }
  return AllowEntry{"http", url->host, url->port, url->target};
}

// Entry path "/hooks" covers "/hooks", "/hooks/x" and "/hooks?x", not "/hooksmith".
bool pathCovers(std::string_view entry, std::string_view path) {
  if (!path.starts_with(entry)) return false;
  if (entry.ends_with('/') || path.size() == entry.size()) return true;
  return path[entry.size()] == '/' || path[entry.size()] == '?';
}

bool covers(const AllowEntry& entry, const Destination& destination) {
  switch (destination.type) {
    case DestinationType::kWebhook:
    case DestinationType::kAlertmanager:
      return entry.scheme == "http" && entry.host == destination.url.host &&
             entry.port == destination.url.port && pathCovers(entry.path, destination.url.target);
    case DestinationType::kEmail:
      return entry.scheme == "smtp" && entry.host == destination.smtp_host &&
             entry.port == destination.smtp_port;
    case DestinationType::kSyslog:
      return entry.scheme == "unix" && entry.path == destination.socket;
  }
  return false;
}

}  // namespace

std::string_view toString(DestinationType type) {
  switch (type) {
    case DestinationType::kWebhook:
      return "webhook";
    case DestinationType::kAlertmanager:
      return "alertmanager";
    case DestinationType::kSyslog:
      return "syslog";
    case DestinationType::kEmail:
      return "email";
  }
  return "?";
}

int parseFacility(std::string_view name) {
  static constexpr std::array<std::string_view, 24> kNames = {
      "kern",   "user",   "mail",     "daemon", "auth",   "syslog", "lpr",    "news",
      "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "audit",  "alert",  "clock",
      "local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7"};
  const auto it = std::find(kNames.begin(), kNames.end(), name);
  return it == kNames.end() ? -1 : static_cast<int>(it - kNames.begin());
}

Destination parseDestination(const nlohmann::json& object) {
  if (!object.is_object()) invalid("each alert destination must be an object with a \"type\"");
  const std::string type = stringField(object, "type", "an alert destination");
  if (type == "webhook") {
    rejectUnknownKeys(object, {"type", "url", "secret"}, type);
    Destination out;
    out.url = urlField(object, type);
    out.secret = stringField(object, "secret", type);
    if (out.secret.size() > kMaxSecret) invalid("webhook \"secret\" longer than 256 characters");
    return out;
  }
  if (type == "alertmanager") {
    rejectUnknownKeys(object, {"type", "url"}, type);
    Destination out;
    out.type = DestinationType::kAlertmanager;
    out.url = urlField(object, type);
    if (out.url.target.find('?') != std::string::npos) invalid("alertmanager \"url\": no query");
    while (out.url.target.ends_with('/')) out.url.target.pop_back();
    out.url.target += "/api/v2/alerts";
    return out;
  }
  if (type == "syslog") return parseSyslog(object);
  if (type == "email") return parseEmail(object);
  invalid("unknown alert type \"" + type.substr(0, 40) +
          "\" (webhook, alertmanager, syslog or email)");
}

std::string allowEntryError(std::string_view entry) {
  std::string error;
  return parseAllowEntry(entry, error) ? "" : error;
}

bool isAllowed(const Destination& destination, const std::vector<std::string>& allow_list) {
  return std::any_of(allow_list.begin(), allow_list.end(), [&](const std::string& text) {
    std::string error;
    const auto entry = parseAllowEntry(text, error);
    return entry && covers(*entry, destination);
  });
}

std::vector<Destination> checkAlertDestinations(const nlohmann::json& alerts,
                                                const std::vector<std::string>& allow_list,
                                                bool admin) {
  if (alerts.is_null()) return {};
  if (!alerts.is_array()) throw DestinationError("\"alerts\" must be an array", false);
  if (alerts.size() > kMaxDestinations) {
    throw DestinationError("\"alerts\": at most 8 destinations", false);
  }
  std::vector<Destination> out;
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    const std::string where = "alerts[" + std::to_string(i) + "]: ";
    try {
      out.push_back(parseDestination(alerts[i]));
    } catch (const DestinationError& e) {
      throw DestinationError(where + e.what(), false);
    }
    if (!admin && !isAllowed(out.back(), allow_list)) {
      throw DestinationError(where + std::string(toString(out.back().type)) +
                                 " destination is not in the server's alert_destinations; only "
                                 "an admin token may name it",
                             true);
    }
  }
  return out;
}

}  // namespace portlens::alerts
