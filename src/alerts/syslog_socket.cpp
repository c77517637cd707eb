#include "alerts/syslog_socket.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "alerts/delivery_error.h"
#include "core/unique_fd.h"

namespace portlens::alerts {

void sendSyslogDatagram(const std::string& socket_path, std::string_view message) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof address.sun_path) {
    throw DeliveryError("syslog: socket path too long", true);
  }
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
  core::UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid())
    throw DeliveryError(std::string("syslog: socket: ") + std::generic_category().message(errno));
  const ssize_t sent = ::sendto(fd.get(), message.data(), message.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address), sizeof address);
  if (sent < 0) {
    throw DeliveryError("syslog: " + socket_path + ": " + std::generic_category().message(errno));
  }
}

}  // namespace portlens::alerts
