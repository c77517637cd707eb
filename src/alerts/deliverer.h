// Sends one event to one destination. The dispatcher calls deliver() on its thread for each
// due delivery; NetworkDeliverer does the real I/O (HTTP, syslog datagram, SMTP), tests give
// their own. deliver() returns when the receiver accepted the event and throws DeliveryError
// (or any std::exception, treated as retryable) when it did not.
#pragma once

#include <chrono>
#include <string>

#include "alerts/alert_event.h"
#include "alerts/destination.h"
#include "alerts/http_client.h"

namespace portlens::alerts {

class Deliverer {
 public:
  virtual ~Deliverer() = default;
  virtual void deliver(const AlertEvent& event, const Destination& destination,
                       const std::string& delivery_id) = 0;
};

struct NetworkSettings {
  HttpLimits http;
  std::chrono::milliseconds smtp_timeout{10000};  // per SMTP step
  std::string hostname;  // syslog HOSTNAME and SMTP EHLO name; "" = gethostname()
};

class NetworkDeliverer final : public Deliverer {
 public:
  explicit NetworkDeliverer(NetworkSettings settings = {});
  void deliver(const AlertEvent& event, const Destination& destination,
               const std::string& delivery_id) override;

 private:
  NetworkSettings settings_;
};

}  // namespace portlens::alerts
