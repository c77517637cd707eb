// Parsers for the directives of a probe file, one line each; the cursor stands after the
// directive's keyword. Used only by parseProbeDatabase. Errors throw core::UsageError with
// the file, line and column (LineCursor::fail).
#pragma once

#include <string>
#include <vector>

#include "detect/probe_database.h"
#include "detect/probe_lexer.h"

namespace portlens::detect {

// Probe <TCP|UDP> <name> q<d><string><d> [no-payload]
Probe parseProbeDirective(LineCursor& cursor);

// match|softmatch <service> m<d><regex><d>[is] [p/../ v/../ i/../ h/../ o/../ d/../ cpe:/../a]
MatchRule parseMatchDirective(LineCursor& cursor, bool soft);

// ports / sslports: 21,80-90
PortRanges parsePortsDirective(LineCursor& cursor);

// Exclude 53,T:9100-9107,U:30000-40000 (no prefix: both protocols)
void parseExcludeDirective(LineCursor& cursor, PortRanges& tcp, PortRanges& udp);

// rarity, totalwaitms, tcpwrappedms: one integer in [min, max].
int parseIntegerDirective(LineCursor& cursor, std::string_view what, int min, int max);

// fallback Name1,Name2
std::vector<std::string> parseFallbackDirective(LineCursor& cursor);

}  // namespace portlens::detect
