#include "registry/registry_tables.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <stdexcept>

#include "registry/builtin_ranking.h"
#include "registry/iana_tsv.h"

namespace portlens::registry {
namespace {

bool hasCapitals(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; });
}

TextSpan spanIn(std::string_view pool, std::string_view part) {
  return {static_cast<std::uint32_t>(part.data() - pool.data()),
          static_cast<std::uint32_t>(part.size())};
}

// Lookups by name are case-insensitive. Most IANA names are lowercase already and are indexed
// where they stand; the others get a lowercase copy appended to the pool.
std::vector<NameRow> buildNameIndex(const std::vector<ServiceEntry>& rows, std::string& pool) {
  std::vector<NameRow> names;
  names.reserve(rows.size());
  for (const ServiceEntry& row : rows) {
    TextSpan name = spanIn(pool, row.name);
    if (hasCapitals(row.name)) {
      const std::size_t offset = pool.size();
      for (char c : row.name)
        pool += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      name = {static_cast<std::uint32_t>(offset), name.length};
    }
    names.push_back({name, row.port});
  }
  const std::string_view view = pool;
  const auto key = [view](const NameRow& row) {
    return std::pair(view.substr(row.lower_name.offset, row.lower_name.length), row.port);
  };
  std::sort(names.begin(), names.end(),
            [&key](const NameRow& a, const NameRow& b) { return key(a) < key(b); });
  names.erase(std::unique(names.begin(), names.end(),
                          [&key](const NameRow& a, const NameRow& b) { return key(a) == key(b); }),
              names.end());
  return names;
}

}  // namespace

RegistryTables buildRegistryTables(std::string_view tsv) {
  if (tsv.size() > std::numeric_limits<std::uint32_t>::max() / 2) {
    throw std::runtime_error("iana_tcp.tsv: too large");
  }
  RegistryTables tables;
  // The pool never reallocates while rows view it: lowercase copies cannot outgrow the names.
  tables.pool.reserve(tsv.size() * 2);
  tables.pool.assign(tsv);
  std::vector<ServiceEntry> rows = parseIanaTsv(tables.pool);
  // Stable, so each port's names keep the file's order: the first is the primary.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const ServiceEntry& a, const ServiceEntry& b) { return a.port < b.port; });
  std::vector<ServiceEntry> primaries;
  for (const ServiceEntry& row : rows) {
    const bool primary = primaries.empty() || primaries.back().port != row.port;
    if (primary) primaries.push_back(row);
    PortRow compact{row.port, spanIn(tables.pool, row.name), spanIn(tables.pool, row.description)};
    (primary ? tables.primaries : tables.aliases).push_back(compact);
  }
  tables.ranking = buildBuiltinRanking(primaries);
  tables.names = buildNameIndex(rows, tables.pool);
  return tables;
}

}  // namespace portlens::registry
