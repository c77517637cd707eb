#include "policy/audit.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace portlens::policy {
namespace {

std::string dateText(std::chrono::year_month_day date) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

// The entries of one host (or of `local`) that cover a port, split by validity.
struct Coverage {
  const PortEntry* valid = nullptr;    // the first entry in force
  const PortEntry* expired = nullptr;  // the first expired entry, when none is in force
};

using Entries = std::vector<const PortEntry*>;

Coverage coverageOf(const Entries& entries, std::uint16_t port, std::chrono::year_month_day today) {
  Coverage coverage;
  for (const PortEntry* entry : entries) {
    if (!entry->covers(port)) continue;
    if (!entry->expiredOn(today)) {
      coverage.valid = entry;
      return coverage;
    }
    if (coverage.expired == nullptr) coverage.expired = entry;
  }
  return coverage;
}

Finding makeFinding(FindingKind kind, core::IpAddress ip, std::uint16_t port,
                    const PortEntry* entry) {
  Finding finding;
  finding.kind = kind;
  finding.ip = ip;
  finding.port = port;
  if (entry != nullptr) {
    finding.owner = entry->owner;
    finding.purpose = entry->purpose;
  }
  return finding;
}

void describeSeen(Finding& finding, const scan::PortRecord& record) {
  finding.state = std::string(scan::toString(record.state));
  if (record.service) {
    finding.service = (record.service->ssl_tunnel ? "ssl/" : "") + record.service->name;
    finding.product = record.service->product;
    finding.version = record.service->version;
  }
}

Finding expiredFinding(core::IpAddress ip, std::uint16_t port, const PortEntry& entry) {
  Finding finding = makeFinding(FindingKind::kExpired, ip, port, &entry);
  finding.expected = dateText(*entry.expires);
  finding.detail = fmt::format("the policy entry for {} expired on {} (line {})", entry.portsText(),
                               finding.expected, entry.position.line);
  return finding;
}

// "" when the detected service agrees with the entry, else what the entry expects.
std::string serviceMismatch(const PortEntry& entry, const scan::ServiceInfo& seen) {
  const bool name_differs = !entry.service.empty() && entry.service != seen.name;
  const bool tunnel_differs =
      (entry.tunnel == "ssl" && !seen.ssl_tunnel) || (entry.tunnel == "none" && seen.ssl_tunnel);
  if (!name_differs && !tunnel_differs) return "";
  std::string expected = entry.tunnel == "ssl" ? "ssl/" : "";
  expected += entry.service.empty() ? "*" : entry.service;
  return expected;
}

// The missing check of one host's entries: `isOpen(first, last)` says whether any port of a
// range is open, `stateOf(port)` what was seen on a port ("" when nothing).
template <typename IsOpen, typename StateOf>
void addMissing(const Entries& entries, core::IpAddress ip, bool local,
                std::chrono::year_month_day today, IsOpen is_open, StateOf state_of,
                std::vector<Finding>& findings) {
  for (const PortEntry* entry : entries) {
    if (entry->optional || entry->expiredOn(today) || is_open(entry->first, entry->last)) continue;
    Finding finding = makeFinding(FindingKind::kMissing, ip, entry->first, entry);
    finding.local = local;
    finding.state = state_of(entry->first);
    finding.expected = local ? "listening" : "open";
    finding.service = entry->service;
    finding.detail =
        entry->first == entry->last
            ? fmt::format("documented at line {}, not {}", entry->position.line, finding.expected)
            : fmt::format("none of {} is {} (documented at line {})", entry->portsText(),
                          finding.expected, entry->position.line);
    findings.push_back(std::move(finding));
  }
}

Entries entriesFor(const PortPolicy& policy, const core::IpAddress* ip) {
  Entries entries;
  for (const HostEntry& host : policy.hosts) {
    const bool applies = ip == nullptr
                             ? host.kind == MatchKind::kLocal
                             : host.kind != MatchKind::kLocal && host.addresses.contains(*ip);
    if (!applies) continue;
    for (const PortEntry& entry : host.ports) entries.push_back(&entry);
  }
  return entries;
}

void sortAndDeduplicate(std::vector<Finding>& findings) {
  auto order = [](const Finding& a, const Finding& b) {
    return std::tie(a.local, a.ip, a.port, a.kind) < std::tie(b.local, b.ip, b.port, b.kind);
  };
  std::stable_sort(findings.begin(), findings.end(), order);
  auto same = [&](const Finding& a, const Finding& b) { return !order(a, b) && !order(b, a); };
  findings.erase(std::unique(findings.begin(), findings.end(), same), findings.end());
}

// One scanned host: its records sorted by port.
void auditHost(const Entries& entries, core::IpAddress ip,
               const std::vector<const scan::PortRecord*>& records,
               std::chrono::year_month_day today, std::vector<Finding>& findings) {
  for (const scan::PortRecord* record : records) {
    if (record->state != scan::PortState::kOpen) continue;
    const Coverage coverage = coverageOf(entries, record->port, today);
    if (coverage.valid == nullptr && coverage.expired != nullptr) {
      Finding finding = expiredFinding(ip, record->port, *coverage.expired);
      describeSeen(finding, *record);
      findings.push_back(std::move(finding));
    } else if (coverage.valid == nullptr) {
      Finding finding = makeFinding(FindingKind::kUnexpectedOpen, ip, record->port, nullptr);
      describeSeen(finding, *record);
      finding.detail = "open, not in the policy";
      findings.push_back(std::move(finding));
    } else if (record->service && record->service->method == scan::ServiceMethod::kProbed) {
      const std::string expected = serviceMismatch(*coverage.valid, *record->service);
      if (expected.empty()) continue;
      Finding finding =
          makeFinding(FindingKind::kServiceMismatch, ip, record->port, coverage.valid);
      describeSeen(finding, *record);
      finding.expected = expected;
      finding.detail =
          fmt::format("service detection named {}, the policy says {}", finding.service, expected);
      findings.push_back(std::move(finding));
    }
  }
  auto first_at = [&](std::uint16_t port) {
    return std::lower_bound(records.begin(), records.end(), port,
                            [](const scan::PortRecord* r, std::uint16_t p) { return r->port < p; });
  };
  auto is_open = [&](std::uint16_t first, std::uint16_t last) {
    for (auto it = first_at(first); it != records.end() && (*it)->port <= last; ++it) {
      if ((*it)->state == scan::PortState::kOpen) return true;
    }
    return false;
  };
  auto state_of = [&](std::uint16_t port) {
    auto it = first_at(port);
    return it != records.end() && (*it)->port == port ? std::string(scan::toString((*it)->state))
                                                      : std::string();
  };
  addMissing(entries, ip, false, today, is_open, state_of, findings);
}

}  // namespace

std::vector<Finding> audit(const PortPolicy& policy, const std::vector<scan::PortRecord>& records,
                           std::chrono::year_month_day today) {
  std::map<core::IpAddress, std::vector<const scan::PortRecord*>> by_host;
  for (const scan::PortRecord& record : records) by_host[record.ip].push_back(&record);
  std::vector<Finding> findings;
  for (auto& [ip, host_records] : by_host) {
    std::stable_sort(host_records.begin(), host_records.end(),
                     [](const auto* a, const auto* b) { return a->port < b->port; });
    auditHost(entriesFor(policy, &ip), ip, host_records, today, findings);
  }
  sortAndDeduplicate(findings);
  return findings;
}

std::vector<Finding> auditLocal(const PortPolicy& policy, const std::vector<Listener>& listeners,
                                std::chrono::year_month_day today) {
  const Entries entries = entriesFor(policy, nullptr);
  std::vector<Finding> findings;
  std::set<std::uint16_t> listening;
  for (const Listener& listener : listeners) {
    listening.insert(listener.port);
    const Coverage coverage = coverageOf(entries, listener.port, today);
    Finding finding;
    if (coverage.valid == nullptr && coverage.expired != nullptr) {
      finding = expiredFinding(listener.ip, listener.port, *coverage.expired);
    } else if (coverage.valid == nullptr) {
      finding = makeFinding(FindingKind::kUnexpectedListener, listener.ip, listener.port, nullptr);
      finding.detail = "listening, not in the policy";
    } else if (!coverage.valid->process.empty() && listener.process &&
               listener.process->name != coverage.valid->process) {
      finding =
          makeFinding(FindingKind::kProcessMismatch, listener.ip, listener.port, coverage.valid);
      finding.expected = coverage.valid->process;
      finding.detail = fmt::format("held by {}, the policy says {}", listener.process->name,
                                   coverage.valid->process);
    } else {
      continue;
    }
    finding.local = true;
    finding.state = "listening";
    finding.process = listener.process;
    findings.push_back(std::move(finding));
  }
  auto is_open = [&](std::uint16_t first, std::uint16_t last) {
    auto it = listening.lower_bound(first);
    return it != listening.end() && *it <= last;
  };
  auto state_of = [](std::uint16_t) { return std::string(); };
  addMissing(entries, core::IpAddress(), true, today, is_open, state_of, findings);
  sortAndDeduplicate(findings);
  return findings;
}

FindingCounts countFindings(const std::vector<Finding>& findings) {
  FindingCounts counts;
  counts.total = findings.size();
  for (const Finding& finding : findings) ++counts.by_kind[static_cast<std::size_t>(finding.kind)];
  return counts;
}

std::chrono::year_month_day utcDay(std::chrono::system_clock::time_point time) {
  return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(time));
}

}  // namespace portlens::policy
