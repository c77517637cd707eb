// What a probe's answer says about the service: the first hard match of the probe's own rules,
// then of its fallback probes', then of the NULL probe's (TCP), as nmap does; failing that,
// the first soft match. Version fields are expanded from the match's captures (bounded,
// printable). Pure; called by the probe runner on its thread with that thread's scratch.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detect/pattern_set.h"
#include "detect/probe_database.h"

namespace portlens::detect {

struct ServiceMatch {
  bool soft = false;
  std::string service;
  std::string product, version, info, hostname, ostype, devicetype;
  std::vector<std::string> cpes;
  std::size_t probe = 0;  // the probe whose rule matched (the sent one or a fallback)
  std::size_t rule = 0;
  int line = 0;  // the rule's line in the probe file
};

// `response` is every byte received for `probe` so far (may hold NUL).
std::optional<ServiceMatch> matchResponse(const ProbeDatabase& db, const PatternSet& patterns,
                                          MatchScratch& scratch, std::size_t probe,
                                          std::string_view response);

}  // namespace portlens::detect
