// The error every API layer throws: an HTTP status, a stable machine-readable code and a
// one-line message for people. Routes turn it into {"error":{"code":...,"message":...}}.
// Pure policy and parsing code throws it too, so their tests check the exact answer a
// client would get.
#pragma once

#include <stdexcept>
#include <string>

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

}  // namespace portlens::server
