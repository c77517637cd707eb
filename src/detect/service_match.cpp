#include "detect/service_match.h"

namespace portlens::detect {
namespace {

std::string expandField(const VersionTemplate& tmpl, const CaptureView& captures) {
  if (tmpl.empty()) return {};
  return expandVersionTemplate(tmpl, captures, FieldStyle::kText).value_or(std::string{});
}

ServiceMatch describeMatch(const MatchRule& rule, std::size_t probe, std::size_t index,
                           const CaptureView& captures) {
  ServiceMatch out;
  out.soft = rule.soft;
  out.service = rule.service;
  out.probe = probe;
  out.rule = index;
  out.line = rule.line;
  const VersionInfo& info = rule.version_info;
  out.product = expandField(info.product, captures);
  out.version = expandField(info.version, captures);
  out.info = expandField(info.info, captures);
  out.hostname = expandField(info.hostname, captures);
  out.ostype = expandField(info.ostype, captures);
  out.devicetype = expandField(info.devicetype, captures);
  for (const auto& cpe : info.cpes) {
    auto text = expandVersionTemplate(cpe, captures, FieldStyle::kCpe);
    if (text) out.cpes.push_back(std::move(*text));
  }
  return out;
}

}  // namespace

std::optional<ServiceMatch> matchResponse(const ProbeDatabase& db, const PatternSet& patterns,
                                          MatchScratch& scratch, std::size_t probe,
                                          std::string_view response) {
  std::vector<std::size_t> chain{probe};
  const auto& fallbacks = db.probes.at(probe).fallbacks;
  chain.insert(chain.end(), fallbacks.begin(), fallbacks.end());
  std::optional<ServiceMatch> soft;
  for (std::size_t source : chain) {
    const auto& rules = db.probes[source].matches;
    for (std::size_t r = 0; r < rules.size(); ++r) {
      // Once a soft match is known, only hard matches can still improve the answer.
      if (soft && rules[r].soft) continue;
      CaptureView captures;
      if (runPattern(patterns, source, r, response, scratch, captures) != PatternOutcome::kMatch) {
        continue;
      }
      ServiceMatch found = describeMatch(rules[r], source, r, captures);
      if (!found.soft) return found;
      soft = std::move(found);
    }
  }
  return soft;
}

}  // namespace portlens::detect
