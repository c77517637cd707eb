// Fuzzes readTargetTokens (-iL / --exclude-file) and checks its output: tokens are non-empty,
// hold no whitespace or '#', and reading them back one per line gives the same tokens. The
// first token is also fed to the target parser (fuzz_target_spec covers the parser in depth;
// one token keeps each run within the per-token interval limit, so runs stay fast).
#include <cstdlib>
#include <sstream>
#include <string>

#include "core/error.h"
#include "core/target_spec.h"
#include "fuzz_common.h"

using namespace portlens;

namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in{std::string(fuzz::asText(data, size))};
  auto tokens = core::readTargetTokens(in);

  std::string joined;
  for (const auto& token : tokens) {
    if (token.empty() || token.find('#') != std::string::npos) std::abort();
    for (char c : token) {
      if (isSpace(c)) std::abort();
    }
    joined += token + '\n';
  }
  std::istringstream again(joined);
  if (core::readTargetTokens(again) != tokens) std::abort();

  if (!tokens.empty()) {
    core::TargetSet set;
    try {
      core::addTargetSpec(set, tokens.front(), fuzz::fakeResolver());
      if (set.empty()) std::abort();
    } catch (const core::UsageError&) {
    }
  }
  return 0;
}
