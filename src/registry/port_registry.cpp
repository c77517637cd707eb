#include "registry/port_registry.h"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "registry/builtin_ranking.h"
#include "registry/iana_data.h"
#include "registry/iana_tsv.h"
#include "registry/nmap_services.h"

namespace portlens::registry {
namespace {

std::string toLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

bool byPort(const ServiceEntry& entry, std::uint16_t port) { return entry.port < port; }

}  // namespace

PortRange rangeOf(std::uint16_t port) {
  if (port <= 1023) return PortRange::kWellKnown;
  if (port <= 49151) return PortRange::kRegistered;
  return PortRange::kDynamic;
}

std::string_view toString(PortRange range) {
  switch (range) {
    case PortRange::kWellKnown:
      return "well-known";
    case PortRange::kRegistered:
      return "registered";
    case PortRange::kDynamic:
      return "dynamic";
  }
  return "unknown";
}

const PortRegistry& PortRegistry::builtin() {
  // Parsed on first use only; thread-safe by the function-local static rules. Every command
  // needs it, so its cost is start-up time: views, no per-name allocation (measured in
  // docs/architecture.md).
  static const PortRegistry kBuiltin = fromText(ianaTcpTsv(), nullptr);
  return kBuiltin;
}

PortRegistry PortRegistry::fromTsv(std::string_view tsv) {
  auto owned = std::make_shared<const std::string>(tsv);
  return fromText(*owned, owned);
}

PortRegistry PortRegistry::fromText(std::string_view tsv,
                                    std::shared_ptr<const std::string> owner) {
  std::vector<ServiceEntry> rows = parseIanaTsv(tsv);
  // Stable, so each port's names keep the file's order: the first is the primary.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const ServiceEntry& a, const ServiceEntry& b) { return a.port < b.port; });

  PortRegistry registry;
  registry.text_ = std::move(owner);
  // Lookups by name are case-insensitive. Most IANA names are lowercase already and are
  // viewed where they stand; the others get a lowercase copy in one shared buffer. It never
  // reallocates (the copies cannot outgrow the text they come from), so views stay valid.
  auto lower_names = std::make_shared<std::string>();
  lower_names->reserve(tsv.size());
  for (const ServiceEntry& row : rows) {
    if (std::any_of(row.name.begin(), row.name.end(),
                    [](char c) { return std::isupper(static_cast<unsigned char>(c)); })) {
      const std::size_t offset = lower_names->size();
      *lower_names += toLower(row.name);
      registry.names_.emplace_back(std::string_view(*lower_names).substr(offset), row.port);
    } else {
      registry.names_.emplace_back(row.name, row.port);
    }
    const bool primary = registry.entries_.empty() || registry.entries_.back().port != row.port;
    (primary ? registry.entries_ : registry.aliases_).push_back(row);
  }
  registry.lower_names_ = std::move(lower_names);
  std::sort(registry.names_.begin(), registry.names_.end());
  registry.names_.erase(std::unique(registry.names_.begin(), registry.names_.end()),
                        registry.names_.end());
  registry.ranking_ = buildBuiltinRanking(registry.entries_);
  return registry;
}

bool PortRegistry::loadNmapRanking(const std::string& path) {
  std::ifstream in(path);
  if (!in) return false;
  const std::vector<NmapFrequency> frequencies = parseNmapServices(in);
  if (in.bad() || frequencies.empty()) return false;  // unreadable, or not an nmap-services file
  // Ties and unlisted ports follow the built-in order, even after an earlier load.
  ranking_ = rankByFrequency(frequencies, buildBuiltinRanking(entries_));
  ranking_source_ = RankingSource::kNmap;
  return true;
}

const ServiceEntry* PortRegistry::lookup(std::uint16_t port) const {
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), port, byPort);
  return it != entries_.end() && it->port == port ? &*it : nullptr;
}

std::string_view PortRegistry::serviceName(std::uint16_t port) const {
  const ServiceEntry* entry = lookup(port);
  return entry == nullptr ? std::string_view{} : entry->name;
}

std::vector<std::uint16_t> PortRegistry::portsForName(std::string_view name) const {
  const std::string key = toLower(name);
  std::vector<std::uint16_t> ports;
  auto it = std::lower_bound(names_.begin(), names_.end(), std::string_view(key),
                             [](const auto& pair, std::string_view k) { return pair.first < k; });
  for (; it != names_.end() && it->first == key; ++it) ports.push_back(it->second);
  return ports;  // ascending: names_ is sorted by (name, port)
}

std::vector<std::uint16_t> PortRegistry::topPorts(std::size_t count) const {
  count = std::min(count, ranking_.size());
  return {ranking_.begin(), ranking_.begin() + static_cast<std::ptrdiff_t>(count)};
}

std::vector<std::string_view> PortRegistry::namesFor(std::uint16_t port) const {
  std::vector<std::string_view> names;
  if (const ServiceEntry* primary = lookup(port)) names.emplace_back(primary->name);
  auto it = std::lower_bound(aliases_.begin(), aliases_.end(), port, byPort);
  for (; it != aliases_.end() && it->port == port; ++it) names.emplace_back(it->name);
  return names;
}

std::size_t PortRegistry::rankOf(std::uint16_t port) const {
  // A linear scan: explanations ask for a handful of ranks, not worth a 256 KiB index.
  const auto it = std::find(ranking_.begin(), ranking_.end(), port);
  return static_cast<std::size_t>(it - ranking_.begin()) + 1;
}

}  // namespace portlens::registry
