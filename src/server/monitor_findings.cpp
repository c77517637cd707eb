#include "server/monitor_findings.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "output/service_view.h"
#include "policy/finding_json.h"

namespace portlens::server {
namespace {

using policy::Finding;
using policy::FindingKind;

// "nginx 1.22.1" / "http": what a service_changed finding compares.
std::string serviceText(const scan::PortRecord& r, const registry::PortRegistry& registry) {
  std::string text = output::serviceView(r, registry).name;
  if (r.service) {
    for (const auto* part : {&r.service->product, &r.service->version}) {
      if (!part->empty()) text += " " + *part;
    }
    if (r.service->ssl_tunnel) text = "ssl/" + text;
  }
  return text;
}

Finding portFinding(FindingKind kind, const scan::PortRecord& seen,
                    const registry::PortRegistry& registry) {
  Finding f;
  f.kind = kind;
  f.ip = seen.ip;
  f.port = seen.port;
  f.state = std::string(scan::toString(seen.state));
  f.service = output::serviceView(seen, registry).name;
  if (seen.service) {
    f.product = seen.service->product;
    f.version = seen.service->version;
  }
  return f;
}

std::string portKey(const core::IpAddress& ip, std::uint16_t port) {
  return ip.toString() + "|" + std::to_string(port);
}

}  // namespace

bool isDiffKind(FindingKind kind) {
  return kind == FindingKind::kPortOpened || kind == FindingKind::kPortClosed ||
         kind == FindingKind::kServiceChanged;
}

std::vector<Finding> nextDiffFindings(const std::vector<Finding>& open, const ScanDiff& diff,
                                      const registry::PortRegistry& registry) {
  // Open findings by kind and port; a change below removes, adds or keeps them.
  std::map<std::pair<FindingKind, std::string>, Finding> wanted;
  for (const auto& f : open) {
    if (isDiffKind(f.kind)) wanted[{f.kind, portKey(f.ip, f.port)}] = f;
  }
  for (const auto& c : diff.opened) {
    const auto at = portKey(c.after.ip, c.after.port);
    if (wanted.erase({FindingKind::kPortClosed, at}) > 0) continue;  // back to its baseline
    auto f = portFinding(FindingKind::kPortOpened, c.after, registry);
    f.expected = std::string(scan::toString(c.before.state));
    f.detail = "port opened (was " + f.expected + ")";
    wanted[{f.kind, at}] = f;
  }
  for (const auto& c : diff.closed) {
    const auto at = portKey(c.after.ip, c.after.port);
    wanted.erase({FindingKind::kServiceChanged, at});
    if (wanted.erase({FindingKind::kPortOpened, at}) > 0) continue;
    auto f = portFinding(FindingKind::kPortClosed, c.after, registry);
    f.expected = "open";
    f.detail = "port no longer open (now " + f.state + ")";
    wanted[{f.kind, at}] = f;
  }
  for (const auto& c : diff.changed) {
    if (c.after.state != scan::PortState::kOpen) continue;  // closed <-> filtered: not a finding
    const auto at = portKey(c.after.ip, c.after.port);
    const std::string now = serviceText(c.after, registry);
    auto it = wanted.find({FindingKind::kServiceChanged, at});
    if (it != wanted.end()) {
      if (it->second.expected == now) wanted.erase(it);  // the service is back
      continue;
    }
    auto f = portFinding(FindingKind::kServiceChanged, c.after, registry);
    f.expected = serviceText(c.before, registry);
    f.detail = "service was " + f.expected + ", now " + now;
    wanted[{f.kind, at}] = f;
  }
  std::vector<Finding> out;
  out.reserve(wanted.size());
  for (auto& [key, f] : wanted) out.push_back(std::move(f));
  return out;
}

Transitions reconcile(const std::vector<store::FindingRow>& open,
                      const std::vector<Finding>& wanted) {
  Transitions t;
  std::set<std::string> wanted_keys;
  std::set<std::string> open_keys;
  for (const auto& row : open) open_keys.insert(row.key);
  for (const auto& f : wanted) {
    auto key = policy::findingKey(f);
    if (!wanted_keys.insert(key).second) continue;  // one finding per key
    if (open_keys.count(key) > 0) continue;         // opened once, not at every run
    const auto json = policy::findingJson(f);
    t.opened.push_back({key, std::string(policy::toString(f.kind)),
                        json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  }
  for (const auto& row : open) {
    if (wanted_keys.count(row.key) == 0) t.resolved.push_back(row.id);
  }
  return t;
}

std::vector<Finding> openFindingsExcept(const std::vector<store::FindingRow>& open,
                                        bool (*skip)(FindingKind)) {
  std::vector<Finding> out;
  for (const auto& row : open) {
    auto json = nlohmann::json::parse(row.finding_json, nullptr, false);
    if (json.is_discarded()) continue;
    auto f = policy::findingFromJson(json);
    if (f && !skip(f->kind)) out.push_back(std::move(*f));
  }
  return out;
}

std::vector<Finding> openDiffFindings(const std::vector<store::FindingRow>& open) {
  return openFindingsExcept(open, [](FindingKind kind) { return !isDiffKind(kind); });
}

}  // namespace portlens::server
