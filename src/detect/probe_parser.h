// Parses a probe file in the nmap-service-probes format into a ProbeDatabase.
// Pure: takes the text (the caller reads the file) and the name to put in error messages.
// Called once at start-up by the CLI or the web service, on any thread.
// Errors: core::UsageError "FILE:LINE:COLUMN: message" for the first problem found (the
// caller exits with code 2). Checked here: directive syntax, escapes, version helpers, ports,
// a directive outside a Probe section, duplicate probes, unknown fallback probes. Not checked
// here: whether the regular expressions compile (PatternSet reports that).
#pragma once

#include <string_view>

#include "detect/probe_database.h"

namespace portlens::detect {

ProbeDatabase parseProbeDatabase(std::string_view text, std::string_view source_name);

}  // namespace portlens::detect
