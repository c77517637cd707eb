// What Portlens knows about TCP ports: IANA service names and descriptions (compiled in from
// the shipped data file), the range category, and a top-ports ranking. Read-only after
// construction, so one instance can be shared by every thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/registry_tables.h"

namespace portlens::registry {

// IANA's three ranges (RFC 6335): well-known 0-1023, registered 1024-49151,
// dynamic/private 49152-65535.
enum class PortRange : std::uint8_t { kWellKnown, kRegistered, kDynamic };
PortRange rangeOf(std::uint16_t port);
std::string_view toString(PortRange range);  // "well-known", "registered", "dynamic"

// Views into the registry's text (the compiled-in data lives as long as the process; a
// registry made by fromTsv keeps its own copy, shared by its copies). A value made on demand
// from the registry's compact tables (registry_tables.h).
struct ServiceEntry {
  std::uint16_t port = 0;
  std::string_view name;         // IANA service name, e.g. "https"
  std::string_view description;  // IANA description, e.g. "http protocol over TLS/SSL"
};

// Where the top-ports ranking comes from.
enum class RankingSource : std::uint8_t {
  kBuiltin,  // the project's own ranking (docs/port-ranking.md)
  kNmap,     // nmap-services open frequencies, read at run time from an installed nmap
};

class PortRegistry {
 public:
  // The compiled-in IANA data and the built-in ranking: tables generated at build time, so
  // making it parses, sorts and allocates nothing. Copy it to load another ranking.
  static const PortRegistry& builtin();
  // A registry over `tsv` (the format of src/registry/data/iana_tcp.tsv) with the built-in
  // ranking. For tests and tools; throws std::runtime_error naming the line when malformed.
  static PortRegistry fromTsv(std::string_view tsv);

  // Replaces the ranking with the open frequencies from an nmap-services file (TCP lines).
  // Returns false (and keeps the built-in ranking) when the file is missing or unreadable.
  bool loadNmapRanking(const std::string& path = "/usr/share/nmap/nmap-services");
  RankingSource rankingSource() const { return ranking_source_; }

  // The primary IANA TCP entry for a port, or nothing when IANA lists none.
  std::optional<ServiceEntry> lookup(std::uint16_t port) const;
  // The service name for display ("" when unknown).
  std::string_view serviceName(std::uint16_t port) const;
  // Every TCP port registered under `name` (case-insensitive); empty when unknown.
  std::vector<std::uint16_t> portsForName(std::string_view name) const;
  // The `count` highest-ranked ports (count is capped at 65536), in rank order.
  std::vector<std::uint16_t> topPorts(std::size_t count) const;

  // Every IANA TCP name for a port, primary first; empty when IANA lists none.
  std::vector<std::string_view> namesFor(std::uint16_t port) const;
  // 1-based position of `port` in the current ranking (1 = most likely open).
  std::size_t rankOf(std::uint16_t port) const;

 private:
  // `tables` views the generated arrays, or `*owner` (fromTsv).
  PortRegistry(TablesView tables, std::shared_ptr<const RegistryTables> owner);
  ServiceEntry entryOf(const PortRow& row) const;

  std::shared_ptr<const RegistryTables> owner_;  // fromTsv's tables
  TablesView tables_;
  std::shared_ptr<const std::vector<std::uint16_t>> loaded_ranking_;  // loadNmapRanking's
  std::span<const std::uint16_t> ranking_;  // every port 0..65535 (0 last), best first
  RankingSource ranking_source_ = RankingSource::kBuiltin;
};

}  // namespace portlens::registry
