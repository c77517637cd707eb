#define PCRE2_CODE_UNIT_WIDTH 8
#include "detect/pattern_set.h"

#include <fmt/format.h>
#include <pcre2.h>

namespace portlens::detect {
namespace {

struct CodeFree {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};
using CodePtr = std::unique_ptr<pcre2_code, CodeFree>;

// Enough for every JIT-compiled pattern of nmap's file; the limit is what a runaway uses up.
constexpr std::size_t kJitStackStart = std::size_t{32} * 1024;
constexpr std::size_t kJitStackMax = std::size_t{512} * 1024;

std::string pcreMessage(int code) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(code, buffer, sizeof buffer);
  return reinterpret_cast<const char*>(buffer);
}

}  // namespace

struct PatternSet::Impl {
  std::vector<std::vector<CodePtr>> codes;  // [probe][rule], null when it did not compile
  std::uint32_t max_captures = 0;
};

struct MatchScratch::Impl {
  pcre2_match_data* data = nullptr;
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* jit_stack = nullptr;
};

PatternSet::PatternSet(const ProbeDatabase& db) : impl_(std::make_unique<Impl>()) {
  impl_->codes.resize(db.probes.size());
  for (std::size_t p = 0; p < db.probes.size(); ++p) {
    const auto& rules = db.probes[p].matches;
    impl_->codes[p].resize(rules.size());
    for (std::size_t r = 0; r < rules.size(); ++r) {
      const MatchRule& rule = rules[r];
      std::uint32_t options =
          (rule.caseless ? PCRE2_CASELESS : 0) | (rule.dotall ? PCRE2_DOTALL : 0);
      int error = 0;
      PCRE2_SIZE offset = 0;
      CodePtr code(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(rule.pattern.data()),
                                 rule.pattern.size(), options, &error, &offset, nullptr));
      if (!code) {
        failures_.push_back(
            {p, r, rule.line, fmt::format("{} at offset {}", pcreMessage(error), offset)});
        continue;
      }
      ++stats_.compiled;
      if (pcre2_jit_compile(code.get(), PCRE2_JIT_COMPLETE) == 0) {
        ++stats_.jit_compiled;
      } else {
        ++stats_.jit_failed;
      }
      std::uint32_t captures = 0;
      pcre2_pattern_info(code.get(), PCRE2_INFO_CAPTURECOUNT, &captures);
      impl_->max_captures = std::max(impl_->max_captures, captures);
      impl_->codes[p][r] = std::move(code);
    }
  }
}

PatternSet::~PatternSet() = default;

MatchScratch::MatchScratch(const PatternSet& patterns) : impl_(std::make_unique<Impl>()) {
  impl_->data = pcre2_match_data_create(patterns.impl().max_captures + 1, nullptr);
  impl_->context = pcre2_match_context_create(nullptr);
  impl_->jit_stack = pcre2_jit_stack_create(kJitStackStart, kJitStackMax, nullptr);
  if (!impl_->data || !impl_->context || !impl_->jit_stack) throw std::bad_alloc();
  pcre2_set_match_limit(impl_->context, kMatchLimit);
  pcre2_set_depth_limit(impl_->context, kDepthLimit);
  pcre2_jit_stack_assign(impl_->context, nullptr, impl_->jit_stack);
}

MatchScratch::~MatchScratch() {
  pcre2_jit_stack_free(impl_->jit_stack);
  pcre2_match_context_free(impl_->context);
  pcre2_match_data_free(impl_->data);
}

PatternOutcome runPattern(const PatternSet& patterns, std::size_t probe, std::size_t rule,
                          std::string_view subject, MatchScratch& scratch, CaptureView& captures) {
  const pcre2_code* code = patterns.impl().codes.at(probe).at(rule).get();
  if (code == nullptr) return PatternOutcome::kUnusable;
  auto& s = scratch.impl();
  // PCRE2 10.42 refuses a null subject even when it is empty.
  const char* bytes = subject.data() != nullptr ? subject.data() : "";
  int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(bytes), subject.size(), 0, 0, s.data,
                       s.context);
  if (rc == PCRE2_ERROR_NOMATCH) return PatternOutcome::kNoMatch;
  if (rc < 0) {
    // Match or depth limit, JIT stack exhausted: the hostile case. Anything else (bad
    // offsets) cannot happen with these arguments; either way the pattern does not match.
    return PatternOutcome::kLimitHit;
  }
  captures.subject = subject;
  captures.offsets = pcre2_get_ovector_pointer(s.data);
  captures.pair_count = pcre2_get_ovector_count(s.data);
  return PatternOutcome::kMatch;
}

}  // namespace portlens::detect
