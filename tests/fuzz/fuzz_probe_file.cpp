// Fuzzes the probe file parser, then compiles what it accepted with PCRE2 and matches a few
// fixed answers, checking every reported field is bounded and printable.
#include <string>

#include "core/error.h"
#include "detect/pattern_set.h"
#include "detect/probe_parser.h"
#include "detect/service_match.h"
#include "fuzz_common.h"
#include "fuzz_detect_common.h"

using namespace portlens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  detect::ProbeDatabase db;
  try {
    db = detect::parseProbeDatabase(fuzz::asText(data, size), "fuzz");
  } catch (const core::UsageError&) {
    return 0;
  }
  if (db.probes.size() > 16 || db.matchCount() > 64) return 0;  // keep each run short
  detect::PatternSet patterns(db);
  detect::MatchScratch scratch(patterns);
  static const std::string kAnswers[] = {
      "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
      "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n",
      std::string("\0\x01\x02\xff\x1b[31m", 8),
      std::string(64, 'a') + "!",
  };
  for (std::size_t p = 0; p < db.probes.size(); ++p) {
    for (const auto& answer : kAnswers) {
      auto match = detect::matchResponse(db, patterns, scratch, p, answer);
      if (match) fuzz::checkMatch(*match);
    }
  }
  return 0;
}
