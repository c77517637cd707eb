// The port registry's tables in a compact, pointer-free form: names and descriptions are
// (offset, length) spans of one text pool. The compiled-in registry's tables are generated at
// build time (gen_registry_tables.cpp runs buildRegistryTables on data/iana_tcp.tsv and writes
// them as constant arrays), so no command parses, sorts or indexes the IANA data at start,
// and the arrays hold no pointer the dynamic loader would have to relocate: their pages are
// read from the binary only when a lookup touches them. PortRegistry::fromTsv builds the same
// tables at run time. Pure; any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace portlens::registry {

struct TextSpan {
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};

struct PortRow {
  std::uint16_t port = 0;
  TextSpan name;
  TextSpan description;
};

struct NameRow {
  TextSpan lower_name;  // the name in lowercase
  std::uint16_t port = 0;
};

// Views of one registry's tables (static arrays, or a RegistryTables that outlives them).
struct TablesView {
  std::string_view pool;                   // the TSV text, then lowercase copies of names
  std::span<const PortRow> primaries;      // IANA's first name of each port, sorted by port
  std::span<const PortRow> aliases;        // the other names, sorted by port, IANA order
  std::span<const NameRow> names;          // sorted by (lowercase name, port), no duplicates
  std::span<const std::uint16_t> ranking;  // the built-in ranking: all 65536 ports, best first

  std::string_view text(TextSpan span) const { return pool.substr(span.offset, span.length); }
};

struct RegistryTables {
  std::string pool;
  std::vector<PortRow> primaries;
  std::vector<PortRow> aliases;
  std::vector<NameRow> names;
  std::vector<std::uint16_t> ranking;

  TablesView view() const { return {pool, primaries, aliases, names, ranking}; }
};

// Tables of `tsv` (the format of data/iana_tcp.tsv). Throws std::runtime_error naming the line
// when malformed (parseIanaTsv).
RegistryTables buildRegistryTables(std::string_view tsv);

// The compiled-in tables (generated file); valid for the life of the process.
TablesView builtinTables();

}  // namespace portlens::registry
