// An http:// URL of a webhook or Alertmanager, split for the HTTP client. Only plain http:
// deliveries go to receivers the operator runs (an allow-listed relay, Alertmanager on the
// same host); https:// is refused with a clear message rather than half supported. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace portlens::alerts {

struct HttpUrl {
  std::string host;  // name or address, without IPv6 brackets, lower case
  std::uint16_t port = 80;
  std::string target = "/";  // path and query, always starting with '/'
};

// Parses "http://HOST[:PORT][/PATH]"; nullopt with `error` set to one sentence otherwise
// (another scheme, user info, an empty host, a bad port, control characters or spaces).
std::optional<HttpUrl> parseHttpUrl(std::string_view url, std::string& error);

// "HOST", "HOST:PORT", "[V6]:PORT" -> host (lower case, no brackets) and port; nullopt when the
// host is empty or the port is not 1-65535. Used for URLs and for an SMTP relay's "host:port".
std::optional<std::pair<std::string, std::uint16_t>> parseHostPort(std::string_view authority,
                                                                   std::uint16_t default_port);

// "http://host:port" + target, the canonical form the allow list is compared against.
std::string canonicalUrl(const HttpUrl& url);

}  // namespace portlens::alerts
