// The error every API layer throws: an HTTP status, a stable machine-readable code and a
// one-line message for people. Routes turn it into {"error":{"code":...,"message":...}}.
// Pure request parsing (api_request) throws it too, so its tests check the exact answer a
// client would get; the target policy throws its own PolicyError, turned into an ApiError by
// apiErrorOf.
#pragma once

#include <stdexcept>
#include <string>

#include "target_policy/policy_error.h"

namespace portlens::server {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message, int retry_after = 0)
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        retry_after_(retry_after) {}

  int status() const { return status_; }
  const std::string& code() const { return code_; }
  int retryAfter() const { return retry_after_; }  // seconds, for 429; 0 = none

 private:
  int status_;
  std::string code_;
  int retry_after_;
};

// The answer to a request the target policy refused: 400 invalid_target, 403
// target_forbidden, 413 scan_too_large, with the policy's message.
inline ApiError apiErrorOf(const target_policy::PolicyError& error) {
  switch (error.refusal()) {
    case target_policy::Refusal::kForbidden:
      return ApiError(403, "target_forbidden", error.what());
    case target_policy::Refusal::kTooLarge:
      return ApiError(413, "scan_too_large", error.what());
    case target_policy::Refusal::kInvalidTarget:
      break;
  }
  return ApiError(400, "invalid_target", error.what());
}

}  // namespace portlens::server
