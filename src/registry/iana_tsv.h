// Parser for the shipped IANA data file (src/registry/data/iana_tcp.tsv):
//   # comment lines
//   port<TAB>name<TAB>description
// Several lines may share a port: the first is IANA's primary name, the rest are aliases.
// Pure; called once per process by PortRegistry::builtin() and directly by tests.
#pragma once

#include <string_view>
#include <vector>

#include "registry/port_registry.h"

namespace portlens::registry {

// Every row in file order, viewing `text` (which must outlive them). Throws
// std::runtime_error naming the line number when a line is malformed (wrong field count, a
// port outside 0-65535, an empty name): the data is compiled in, so a bad line is a build
// defect, never user input.
std::vector<ServiceEntry> parseIanaTsv(std::string_view text);

}  // namespace portlens::registry
