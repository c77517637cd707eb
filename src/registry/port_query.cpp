#include "registry/port_query.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/error.h"

namespace portlens::registry {
namespace {

constexpr std::size_t kMaxNameLength = 64;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool isNameChar(char c) {
  return isAlnum(c) || c == '.' || c == '_' || c == '+' || c == '*' || c == '/' || c == '-';
}

// The token as it can appear in a one-line message: at most 64 characters, control and
// other non-printable bytes shown as '?'.
std::string quoted(std::string_view token) {
  std::string shown = "'";
  for (char c : token.substr(0, kMaxNameLength)) {
    shown += std::isprint(static_cast<unsigned char>(c)) != 0 ? c : '?';
  }
  shown += token.size() > kMaxNameLength ? "...'" : "'";
  return shown;
}

[[noreturn]] void notAPort(std::string_view token) {
  throw core::UsageError(quoted(token) + " is not a port number (0-65535)");
}

}  // namespace

PortQuery parsePortQuery(std::string_view token) {
  if (token.empty()) throw core::UsageError("empty port number or service name");

  if (std::all_of(token.begin(), token.end(), isDigit)) {
    unsigned long long value = 0;
    const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec != std::errc{} || value > 65535) notAPort(token);
    return PortQuery{PortQuery::Kind::kPort, static_cast<std::uint16_t>(value), {}};
  }
  // "-5" and "+80" look like numbers to a person, so say so rather than "unknown name".
  if ((token.front() == '-' || token.front() == '+') && token.size() > 1 && isDigit(token[1])) {
    notAPort(token);
  }
  if (token.size() > kMaxNameLength || !isAlnum(token.front()) ||
      !std::all_of(token.begin(), token.end(), isNameChar)) {
    throw core::UsageError(quoted(token) + " is not a port number or service name");
  }
  return PortQuery{PortQuery::Kind::kName, 0, std::string(token)};
}

std::vector<std::uint16_t> resolvePortQuery(const PortRegistry& registry, const PortQuery& query) {
  if (query.kind == PortQuery::Kind::kPort) return {query.port};
  return registry.portsForName(query.name);
}

}  // namespace portlens::registry
