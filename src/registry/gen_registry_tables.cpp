// Build-time tool: writes the compiled-in registry tables (registry_tables.h) as constant
// arrays, so the binary never parses or sorts the IANA data at start.
//   gen_registry_tables INPUT.tsv OUTPUT.cpp
// The output is rewritten only when it changes. Exit code 1 on any error (a malformed line
// names its line number): the data is compiled in, so a bad line fails the build.
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "registry/registry_tables.h"

namespace {

using portlens::registry::NameRow;
using portlens::registry::PortRow;
using portlens::registry::RegistryTables;
using portlens::registry::TextSpan;

std::string readFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read ") + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The pool as adjacent string literals, one per line of text; every byte outside printable
// ASCII (and the quote and backslash) as a three-digit octal escape, so the literal's bytes
// are exactly the pool's whatever the checkout's line endings.
void writePool(std::ostream& out, const std::string& pool) {
  out << "constexpr char kPool[] =\n    \"";
  for (char c : pool) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '"' && c != '\\' && c != '?') {
      out << c;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\%03o", byte);
      out << escaped;
    }
    if (c == '\n') out << "\"\n    \"";
  }
  out << "\";\n";
}

struct Span {
  TextSpan value;
};
std::ostream& operator<<(std::ostream& out, Span s) {
  return out << '{' << s.value.offset << ", " << s.value.length << '}';
}

void writeRows(std::ostream& out, const char* name, const std::vector<PortRow>& rows) {
  out << "constexpr PortRow " << name << "[] = {\n";
  for (const PortRow& row : rows) {
    out << "    {" << row.port << ", " << Span{row.name} << ", " << Span{row.description} << "},\n";
  }
  out << "};\n";
}

std::string generate(const std::string& input_name, const RegistryTables& tables) {
  std::ostringstream out;
  out << "// Generated from " << input_name << " by gen_registry_tables; do not edit.\n"
      << "#include \"registry/registry_tables.h\"\n\n"
      << "namespace portlens::registry {\nnamespace {\n\n";
  writePool(out, tables.pool);
  writeRows(out, "kPrimaries", tables.primaries);
  writeRows(out, "kAliases", tables.aliases);
  out << "constexpr NameRow kNames[] = {\n";
  for (const NameRow& row : tables.names) {
    out << "    {" << Span{row.lower_name} << ", " << row.port << "},\n";
  }
  out << "};\nconstexpr std::uint16_t kRanking[] = {\n";
  for (std::size_t i = 0; i < tables.ranking.size(); ++i) {
    out << (i % 16 == 0 ? "    " : " ") << tables.ranking[i] << ',';
    if (i % 16 == 15 || i + 1 == tables.ranking.size()) out << '\n';
  }
  out << "};\n\n}  // namespace\n\n"
      << "TablesView builtinTables() {\n"
      << "  return {{kPool, sizeof(kPool) - 1}, kPrimaries, kAliases, kNames, kRanking};\n"
      << "}\n\n}  // namespace portlens::registry\n";
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: gen_registry_tables INPUT.tsv OUTPUT.cpp\n";
    return 1;
  }
  try {
    const std::string generated =
        generate("src/registry/data/iana_tcp.tsv",
                 portlens::registry::buildRegistryTables(readFile(argv[1])));
    std::ifstream previous(argv[2], std::ios::binary);
    if (previous && readFile(argv[2]) == generated) return 0;
    std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
    out << generated;
    if (!out.flush()) throw std::runtime_error(std::string("cannot write ") + argv[2]);
  } catch (const std::exception& error) {
    std::cerr << "gen_registry_tables: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
