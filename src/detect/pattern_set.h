// Every match pattern of a ProbeDatabase compiled once with PCRE2 and JIT-compiled, and the
// per-thread scratch to run them on hostile bytes.
//
// PatternSet is built once per database (start-up) and is then read-only: share it between
// threads. MatchScratch (match data, limits, JIT stack) belongs to one thread at a time.
// Subjects are bytes (no UTF mode; NUL is an ordinary byte). Every match runs under nmap's
// limits (100,000 match steps, depth 10,000; JIT honours the step limit and has its own
// bounded stack), so a hostile banner cannot make a pattern run away: it just fails to match.
// A pattern that does not compile is reported in failures() and never matches; whether that is
// fatal is the caller's choice (our own file must have none, a user's file gets a warning).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "detect/probe_database.h"
#include "detect/version_template.h"

namespace portlens::detect {

inline constexpr unsigned kMatchLimit = 100000;  // nmap's limits for its service patterns
inline constexpr unsigned kDepthLimit = 10000;

struct PatternFailure {
  std::size_t probe = 0;
  std::size_t rule = 0;
  int line = 0;
  std::string message;  // PCRE2's message and the offset in the pattern
};

struct PatternSetStats {
  std::size_t compiled = 0;
  std::size_t jit_compiled = 0;
  std::size_t jit_failed = 0;  // compiled, run by the interpreter (still under the limits)
};

class PatternSet {
 public:
  explicit PatternSet(const ProbeDatabase& db);
  ~PatternSet();
  PatternSet(const PatternSet&) = delete;
  PatternSet& operator=(const PatternSet&) = delete;

  const std::vector<PatternFailure>& failures() const { return failures_; }
  const PatternSetStats& stats() const { return stats_; }

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
  std::vector<PatternFailure> failures_;
  PatternSetStats stats_;
};

class MatchScratch {
 public:
  explicit MatchScratch(const PatternSet& patterns);
  ~MatchScratch();
  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

enum class PatternOutcome { kMatch, kNoMatch, kLimitHit, kUnusable };

// Runs the pattern of db.probes[probe].matches[rule] over `subject`. On kMatch, `captures`
// views the subject and the scratch's offsets (valid until the scratch's next use).
PatternOutcome runPattern(const PatternSet& patterns, std::size_t probe, std::size_t rule,
                          std::string_view subject, MatchScratch& scratch, CaptureView& captures);

}  // namespace portlens::detect
