#include "detect/probe_plan.h"

#include <algorithm>

namespace portlens::detect {
namespace {

bool namesPort(const Probe& probe, const PlanQuery& query) {
  const PortRanges& list = query.tunnel == Tunnel::kSsl ? probe.ssl_ports : probe.ports;
  return list.contains(query.port);
}

}  // namespace

bool isPortExcluded(const ProbeDatabase& db, std::uint16_t port, Protocol protocol) {
  return (protocol == Protocol::kTcp ? db.exclude_tcp : db.exclude_udp).contains(port);
}

std::vector<std::size_t> orderProbes(const ProbeDatabase& db, const PlanQuery& query) {
  std::vector<std::size_t> order;
  if (!query.all_ports && isPortExcluded(db, query.port, query.protocol)) return order;
  int intensity = std::clamp(query.intensity, 0, kMaxIntensity);
  std::optional<std::size_t> null_probe =
      query.protocol == Protocol::kTcp ? db.null_probe : std::nullopt;
  if (null_probe) order.push_back(*null_probe);
  auto candidate = [&](std::size_t i) {
    return db.probes[i].protocol == query.protocol && i != null_probe;
  };
  for (std::size_t i = 0; i < db.probes.size(); ++i) {
    if (candidate(i) && namesPort(db.probes[i], query)) order.push_back(i);
  }
  for (std::size_t i = 0; i < db.probes.size(); ++i) {
    if (candidate(i) && !namesPort(db.probes[i], query) && db.probes[i].rarity <= intensity) {
      order.push_back(i);
    }
  }
  return order;
}

bool probeCanConfirm(const ProbeDatabase& db, std::size_t probe, std::string_view service) {
  const auto& rules = db.probes[probe].matches;
  return std::any_of(rules.begin(), rules.end(),
                     [&](const MatchRule& rule) { return !rule.soft && rule.service == service; });
}

ProbePlanner::ProbePlanner(const ProbeDatabase& db, const PlanQuery& query)
    : db_(db),
      intensity_(std::clamp(query.intensity, 0, kMaxIntensity)),
      order_(orderProbes(db, query)) {}

std::optional<std::size_t> ProbePlanner::next() {
  while (position_ < order_.size()) {
    std::size_t probe = order_[position_++];
    if (soft_service_ && intensity_ < kMaxIntensity &&
        !probeCanConfirm(db_, probe, *soft_service_)) {
      continue;
    }
    return probe;
  }
  return std::nullopt;
}

void ProbePlanner::noteSoftMatch(std::string_view service) {
  if (!soft_service_) soft_service_ = std::string(service);
}

}  // namespace portlens::detect
