// Our probe file, data/service-probes, compiled into the binary at build time (like the IANA
// data), so an installed portlens needs no data path. `--service-probes FILE` replaces it.
#pragma once

#include <string_view>

namespace portlens::detect {

// The text of data/service-probes; the source name to report errors against is
// kBuiltinProbesName.
std::string_view builtinServiceProbes();
inline constexpr std::string_view kBuiltinProbesName = "service-probes (built in)";

}  // namespace portlens::detect
