#include "policy/finding.h"

#include <array>
#include <utility>

namespace portlens::policy {
namespace {

constexpr std::array<std::pair<FindingKind, std::string_view>, 9> kNames = {{
    {FindingKind::kUnexpectedOpen, "unexpected_open"},
    {FindingKind::kMissing, "missing"},
    {FindingKind::kExpired, "expired"},
    {FindingKind::kServiceMismatch, "service_mismatch"},
    {FindingKind::kUnexpectedListener, "unexpected_listener"},
    {FindingKind::kProcessMismatch, "process_mismatch"},
    {FindingKind::kPortOpened, "port_opened"},
    {FindingKind::kPortClosed, "port_closed"},
    {FindingKind::kServiceChanged, "service_changed"},
}};

}  // namespace

std::string_view toString(FindingKind kind) {
  for (const auto& [value, name] : kNames) {
    if (value == kind) return name;
  }
  return "unknown";
}

std::optional<FindingKind> parseFindingKind(std::string_view text) {
  for (const auto& [value, name] : kNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

// "kind|L|ip|port": the fields that say which port the finding is about, not what was seen
// there (a service that changes version stays the same finding).
std::string findingKey(const Finding& finding) {
  std::string key(toString(finding.kind));
  key += finding.local ? "|local|" : "|host|";
  key += finding.ip.toString();
  key += '|';
  key += std::to_string(finding.port);
  return key;
}

}  // namespace portlens::policy
