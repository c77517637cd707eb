// What the target policy throws when it refuses a request: which rule refused it and a
// one-line message for people (which address, and why). The web service turns each kind into
// its HTTP answer (server/api_routes: 400 invalid_target, 403 target_forbidden, 413
// scan_too_large); the policy itself knows nothing of HTTP.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace portlens::target_policy {

enum class Refusal : std::uint8_t {
  kInvalidTarget,  // not a target (bad spelling, out-of-range number, nothing given)
  kForbidden,      // a special range not opened to the caller, or not the caller's address
  kTooLarge,       // too many tokens, or hosts x ports above the caller's cap
};

class PolicyError : public std::runtime_error {
 public:
  PolicyError(Refusal refusal, const std::string& message)
      : std::runtime_error(message), refusal_(refusal) {}

  Refusal refusal() const { return refusal_; }

 private:
  Refusal refusal_;
};

}  // namespace portlens::target_policy
