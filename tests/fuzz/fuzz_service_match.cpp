// Fuzzes what a peer controls: the answer bytes matched against data/service-probes (first
// byte picks the probe), and version templates expanded over fuzzed captures (first byte 0xff:
// the template is the text up to the first newline, the rest is split into capture groups).
#include <fstream>
#include <sstream>
#include <string>

#include "core/error.h"
#include "detect/pattern_set.h"
#include "detect/probe_parser.h"
#include "detect/service_match.h"
#include "fuzz_common.h"
#include "fuzz_detect_common.h"

using namespace portlens;

namespace {

struct Loaded {
  detect::ProbeDatabase db;
  std::unique_ptr<detect::PatternSet> patterns;
  std::unique_ptr<detect::MatchScratch> scratch;
};

Loaded& loaded() {
  static Loaded state = [] {
    std::ifstream in(PORTLENS_PROBE_FILE, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    Loaded out;
    out.db = detect::parseProbeDatabase(text.str(), PORTLENS_PROBE_FILE);
    out.patterns = std::make_unique<detect::PatternSet>(out.db);
    out.scratch = std::make_unique<detect::MatchScratch>(*out.patterns);
    return out;
  }();
  return state;
}

void fuzzTemplate(std::string_view input) {
  std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return;
  detect::VersionTemplate tmpl;
  try {
    tmpl = detect::parseVersionTemplate(
        input.substr(0, newline),
        [](std::size_t, const std::string& message) { throw core::UsageError(message); });
  } catch (const core::UsageError&) {
    return;
  }
  // Groups 1..9 cut the subject into ten equal parts; the last group is left unset.
  std::string_view subject = input.substr(newline + 1);
  std::size_t offsets[20];
  std::size_t step = subject.size() / 10;
  for (std::size_t g = 0; g < 10; ++g) {
    offsets[2 * g] = g == 0 ? 0 : g * step;
    offsets[2 * g + 1] = g == 0 ? subject.size() : (g + 1) * step;
  }
  offsets[18] = offsets[19] = static_cast<std::size_t>(-1);
  detect::CaptureView captures{subject, offsets, 10};
  for (auto style : {detect::FieldStyle::kText, detect::FieldStyle::kCpe}) {
    auto out = detect::expandVersionTemplate(tmpl, captures, style);
    if (out) fuzz::checkField(*out);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto text = fuzz::asText(data, size);
  if (data[0] == 0xff) {
    fuzzTemplate(text.substr(1));
    return 0;
  }
  Loaded& state = loaded();
  std::size_t probe = data[0] % state.db.probes.size();
  auto match =
      detect::matchResponse(state.db, *state.patterns, *state.scratch, probe, text.substr(1));
  if (match) fuzz::checkMatch(*match);
  return 0;
}
