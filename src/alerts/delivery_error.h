// A delivery that failed. `permanent` when retrying cannot help (the receiver rejected the
// request itself: HTTP 4xx other than 408/429, SMTP 5yz): the outbox then stops retrying.
// Everything else (refused connection, timeout, 5xx, 4yz) is retried with backoff.
#pragma once

#include <stdexcept>
#include <string>

namespace portlens::alerts {

class DeliveryError : public std::runtime_error {
 public:
  explicit DeliveryError(const std::string& what, bool permanent = false)
      : std::runtime_error(what), permanent_(permanent) {}
  bool permanent() const { return permanent_; }

 private:
  bool permanent_;
};

}  // namespace portlens::alerts
