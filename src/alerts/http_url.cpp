#include "alerts/http_url.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <tuple>

namespace portlens::alerts {
namespace {

bool hasUnsafeCharacter(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f;
  });
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<HttpUrl> fail(std::string& error, std::string message) {
  error = std::move(message);
  return std::nullopt;
}

}  // namespace

std::optional<std::pair<std::string, std::uint16_t>> parseHostPort(std::string_view authority,
                                                                   std::uint16_t default_port) {
  HttpUrl url;
  url.port = default_port;
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == authority.npos) return std::nullopt;
    url.host = lower(authority.substr(1, close - 1));
    const auto rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return std::nullopt;
    if (rest == ":") return std::nullopt;
    if (!rest.empty()) port_text = rest.substr(1);
  } else {
    const auto colon = authority.find(':');
    url.host = lower(authority.substr(0, colon));
    if (colon != authority.npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return std::nullopt;
  if (authority.find(':') != authority.npos && !authority.starts_with('[') && port_text.empty()) {
    return std::nullopt;
  }
  if (port_text.empty()) return std::pair{url.host, url.port};
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535) {
    return std::nullopt;
  }
  return std::pair{url.host, static_cast<std::uint16_t>(port)};
}

std::optional<HttpUrl> parseHttpUrl(std::string_view text, std::string& error) {
  constexpr std::string_view kScheme = "http://";
  if (text.size() > 2048) return fail(error, "URL longer than 2048 characters");
  if (hasUnsafeCharacter(text)) return fail(error, "URL contains spaces or control characters");
  if (lower(text.substr(0, 8)) == "https://") {
    return fail(error, "https:// is not supported for alert deliveries; use http://");
  }
  if (lower(text.substr(0, kScheme.size())) != kScheme) {
    return fail(error, "URL must start with http://");
  }
  const auto rest = text.substr(kScheme.size());
  const auto slash = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, slash);
  if (authority.find('@') != authority.npos) return fail(error, "URL must not carry user info");
  HttpUrl url;
  const auto host_port = parseHostPort(authority, 80);
  if (!host_port) return fail(error, "URL needs a host and a valid port");
  std::tie(url.host, url.port) = *host_port;
  if (slash != rest.npos) {
    std::string target(rest.substr(slash));
    if (const auto hash = target.find('#'); hash != target.npos) target.resize(hash);
    url.target = target.starts_with('/') ? target : "/" + target;
  }
  return url;
}

std::string canonicalUrl(const HttpUrl& url) {
  const bool v6 = url.host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port) +
         url.target;
}

}  // namespace portlens::alerts
