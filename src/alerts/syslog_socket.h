// Sends one datagram to a local syslog socket (AF_UNIX, SOCK_DGRAM; /dev/log by default, a
// test's own socket in tests). Throws DeliveryError when the socket is missing or refuses.
// Called on the dispatcher's thread.
#pragma once

#include <string>
#include <string_view>

namespace portlens::alerts {

void sendSyslogDatagram(const std::string& socket_path, std::string_view message);

}  // namespace portlens::alerts
