// Where a monitor's alerts go: the objects of its "alerts" array, checked when a monitor is
// created or edited (the monitors routes call checkAlertDestinations) and read again by the
// dispatcher for every delivery. Pure.
//
//   {"type":"webhook","url":"http://HOST[:PORT]/PATH","secret":"..."}
//   {"type":"alertmanager","url":"http://HOST[:PORT][/PREFIX]"}     (POSTs PREFIX/api/v2/alerts)
//   {"type":"syslog","facility":"daemon","socket":"/dev/log"}     (both optional)
//   {"type":"email","to":"a@example.org" or [...],"from":"portlens@example.org",
//    "smtp":"HOST[:PORT]"}                                          (port 25 by default)
//
// Destinations are an SSRF path: the server makes requests and opens sockets where they
// point. Only admin tokens may name one outside the server config's `alert_destinations` allow
// list, whose entries are "http://HOST:PORT[/PATH]" (that origin, paths under PATH),
// "smtp://HOST:PORT" and "unix:/PATH" (a syslog socket).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/http_url.h"

namespace portlens::alerts {

enum class DestinationType { kWebhook, kAlertmanager, kSyslog, kEmail };
std::string_view toString(DestinationType type);

struct Destination {
  DestinationType type = DestinationType::kWebhook;
  HttpUrl url;         // webhook, alertmanager (the API path already appended for the latter)
  std::string secret;  // webhook: HMAC key of X-Portlens-Signature
  int facility = 3;    // syslog: RFC 5424 facility code (3 = daemon)
  std::string socket;  // syslog: datagram socket path
  std::vector<std::string> to;  // email
  std::string from;             // email
  std::string smtp_host;        // email: the relay
  std::uint16_t smtp_port = 25;
};

// A destination that is malformed (`forbidden` false: 400) or outside the allow list for a
// caller that is not an admin (`forbidden` true: 403). what() is one sentence naming the
// offending entry, e.g. "alerts[1]: webhook needs a \"secret\"".
class DestinationError : public std::invalid_argument {
 public:
  DestinationError(const std::string& what, bool forbidden)
      : std::invalid_argument(what), forbidden_(forbidden) {}
  bool forbidden() const { return forbidden_; }

 private:
  bool forbidden_;
};

// One object of the array; throws DestinationError (not forbidden). Unknown keys are errors.
Destination parseDestination(const nlohmann::json& object);

// What the monitors POST/PATCH calls with the request's "alerts" value (absent = empty array),
// the server config's allow list and whether the caller's token is an admin's. Returns the
// parsed destinations (at most 8) or throws DestinationError.
std::vector<Destination> checkAlertDestinations(const nlohmann::json& alerts,
                                                const std::vector<std::string>& allow_list,
                                                bool admin);

// An allow-list entry is well formed; empty string when it is, else the reason. The server
// config calls it for each `alert_destinations` entry.
std::string allowEntryError(std::string_view entry);

// True when an entry of `allow_list` covers the destination.
bool isAllowed(const Destination& destination, const std::vector<std::string>& allow_list);

// Syslog facility names of RFC 5424 ("kern", "user", "daemon", "local0".."local7", ...).
int parseFacility(std::string_view name);  // -1 when unknown

}  // namespace portlens::alerts
