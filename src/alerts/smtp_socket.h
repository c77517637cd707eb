// The TCP SmtpChannel: connects to the relay (getaddrinfo, so a name or an address) and reads
// and writes with a timeout on each step (poll), so a relay that stops answering costs at most
// `timeout` per step instead of blocking the dispatcher. Throws DeliveryError.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "alerts/smtp_client.h"

namespace portlens::alerts {

std::unique_ptr<SmtpChannel> connectSmtp(const std::string& host, std::uint16_t port,
                                         std::chrono::milliseconds timeout);

}  // namespace portlens::alerts
