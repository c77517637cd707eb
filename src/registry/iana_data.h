// The compiled-in IANA TCP data: the text of src/registry/data/iana_tcp.tsv, embedded at build
// time by embed_text.cmake (the build never needs npm). Only PortRegistry::builtin() reads it.
#pragma once

#include <string_view>

namespace portlens::registry {

// The whole TSV, valid for the life of the process.
std::string_view ianaTcpTsv();

}  // namespace portlens::registry
