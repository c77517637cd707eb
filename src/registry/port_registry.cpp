#include "registry/port_registry.h"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "registry/nmap_services.h"

namespace portlens::registry {
namespace {

std::string toLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

bool byPort(const PortRow& row, std::uint16_t port) { return row.port < port; }

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
  // Thread-safe by the function-local static rules; views the generated tables only.
  static const PortRegistry kBuiltin(builtinTables(), nullptr);
  return kBuiltin;
}

PortRegistry PortRegistry::fromTsv(std::string_view tsv) {
  auto owned = std::make_shared<const RegistryTables>(buildRegistryTables(tsv));
  return PortRegistry(owned->view(), owned);
}

PortRegistry::PortRegistry(TablesView tables, std::shared_ptr<const RegistryTables> owner)
    : owner_(std::move(owner)), tables_(tables), ranking_(tables.ranking) {}

ServiceEntry PortRegistry::entryOf(const PortRow& row) const {
  return {row.port, tables_.text(row.name), tables_.text(row.description)};
}

bool PortRegistry::loadNmapRanking(const std::string& path) {
  std::ifstream in(path);
  if (!in) return false;
  const std::vector<NmapFrequency> frequencies = parseNmapServices(in);
  if (in.bad() || frequencies.empty()) return false;  // unreadable, or not an nmap-services file
  // Ties and unlisted ports follow the built-in order, even after an earlier load.
  const std::vector<std::uint16_t> builtin_order(tables_.ranking.begin(), tables_.ranking.end());
  loaded_ranking_ = std::make_shared<const std::vector<std::uint16_t>>(
      rankByFrequency(frequencies, builtin_order));
  ranking_ = *loaded_ranking_;
  ranking_source_ = RankingSource::kNmap;
  return true;
}

std::optional<ServiceEntry> PortRegistry::lookup(std::uint16_t port) const {
  const auto it =
      std::lower_bound(tables_.primaries.begin(), tables_.primaries.end(), port, byPort);
  if (it == tables_.primaries.end() || it->port != port) return std::nullopt;
  return entryOf(*it);
}

std::string_view PortRegistry::serviceName(std::uint16_t port) const {
  const std::optional<ServiceEntry> entry = lookup(port);
  return entry ? entry->name : std::string_view{};
}

std::vector<std::uint16_t> PortRegistry::portsForName(std::string_view name) const {
  const std::string key = toLower(name);
  std::vector<std::uint16_t> ports;
  const auto nameOf = [this](const NameRow& row) { return tables_.text(row.lower_name); };
  auto it = std::lower_bound(
      tables_.names.begin(), tables_.names.end(), std::string_view(key),
      [&nameOf](const NameRow& row, std::string_view k) { return nameOf(row) < k; });
  for (; it != tables_.names.end() && nameOf(*it) == key; ++it) ports.push_back(it->port);
  return ports;  // ascending: the index is sorted by (name, port)
}

std::vector<std::uint16_t> PortRegistry::topPorts(std::size_t count) const {
  count = std::min(count, ranking_.size());
  return {ranking_.begin(), ranking_.begin() + static_cast<std::ptrdiff_t>(count)};
}

std::vector<std::string_view> PortRegistry::namesFor(std::uint16_t port) const {
  std::vector<std::string_view> names;
  if (const std::optional<ServiceEntry> primary = lookup(port)) names.emplace_back(primary->name);
  auto it = std::lower_bound(tables_.aliases.begin(), tables_.aliases.end(), port, byPort);
  for (; it != tables_.aliases.end() && it->port == port; ++it) {
    names.emplace_back(tables_.text(it->name));
  }
  return names;
}

std::size_t PortRegistry::rankOf(std::uint16_t port) const {
  // A linear scan: explanations ask for a handful of ranks, not worth a 256 KiB index.
  const auto it = std::find(ranking_.begin(), ranking_.end(), port);
  return static_cast<std::size_t>(it - ranking_.begin()) + 1;
}

}  // namespace portlens::registry
