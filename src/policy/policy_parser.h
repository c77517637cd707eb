// Parses a port policy (port_policy.h) from YAML text. Pure (yaml-cpp, no I/O): the caller
// reads the file. Strict, because a typo in a policy would silently document nothing: unknown
// keys, wrong types, bad addresses, ports, ranges or dates, `process` outside `match: local`,
// and duplicate keys are errors. Bounded: at most kMaxPolicyBytes of text and
// kMaxPolicyEntries port entries.
// Errors throw PolicyError (a core::UsageError, so the CLI exits 2) whose message is one line
// "FILE:LINE:COLUMN: what is wrong" (1-based, pointing at the offending node).
#pragma once

#include <cstddef>
#include <string_view>

#include "core/error.h"
#include "policy/port_policy.h"

namespace portlens::policy {

inline constexpr std::size_t kMaxPolicyBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxPolicyEntries = 100'000;

class PolicyError : public core::UsageError {
 public:
  using core::UsageError::UsageError;
};

// `file` names the source in messages (a path, or "<policy>" for text from an API request).
PortPolicy parsePolicy(std::string_view yaml_text, std::string_view file);

}  // namespace portlens::policy
