// Checks shared by the detection fuzz targets: what a match reports to the user is bounded,
// printable ASCII, whatever the peer sent and whatever the probe file said.
#pragma once

#include <cstdlib>
#include <string>

#include "detect/service_match.h"
#include "detect/version_template.h"

namespace portlens::fuzz {

inline void checkField(const std::string& field) {
  if (field.size() > detect::kMaxFieldBytes) std::abort();
  for (unsigned char c : field) {
    if (c < 0x20 || c > 0x7e) std::abort();
  }
}

inline void checkMatch(const detect::ServiceMatch& match) {
  for (const auto* field : {&match.product, &match.version, &match.info, &match.hostname,
                            &match.ostype, &match.devicetype}) {
    checkField(*field);
  }
  for (const auto& cpe : match.cpes) checkField(cpe);
}

}  // namespace portlens::fuzz
