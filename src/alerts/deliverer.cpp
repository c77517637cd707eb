#include "alerts/deliverer.h"

#include "alerts/hmac.h"
#include "alerts/payloads.h"
#include "alerts/smtp_socket.h"
#include "alerts/syslog_socket.h"
#include "core/host_name.h"

namespace portlens::alerts {

NetworkDeliverer::NetworkDeliverer(NetworkSettings settings) : settings_(std::move(settings)) {
  if (settings_.hostname.empty()) settings_.hostname = core::localHostName();
}

void NetworkDeliverer::deliver(const AlertEvent& event, const Destination& destination,
                               const std::string& delivery_id) {
  switch (destination.type) {
    case DestinationType::kWebhook: {
      const std::string body = webhookBody(event);
      postJson(destination.url, body,
               {{"X-Portlens-Delivery", delivery_id},
                {"X-Portlens-Event", event.event},
                {"X-Portlens-Signature", "sha256=" + hmacSha256Hex(destination.secret, body)}},
               settings_.http);
      return;
    }
    case DestinationType::kAlertmanager:
      postJson(destination.url, alertmanagerBody(event), {{"X-Portlens-Delivery", delivery_id}},
               settings_.http);
      return;
    case DestinationType::kSyslog:
      sendSyslogDatagram(destination.socket, syslogMessage(event, destination.facility,
                                                           settings_.hostname, ::getpid()));
      return;
    case DestinationType::kEmail: {
      auto channel =
          connectSmtp(destination.smtp_host, destination.smtp_port, settings_.smtp_timeout);
      SmtpEnvelope envelope{settings_.hostname, destination.from, destination.to};
      sendMail(*channel, envelope,
               emailMessage(event, destination.from, destination.to, delivery_id));
      return;
    }
  }
}

}  // namespace portlens::alerts
