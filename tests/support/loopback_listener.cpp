#include "support/loopback_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace portlens::testing {

core::UniqueFd listenOnLoopback(std::uint16_t& port) {
  core::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (::bind(fd.get(), generic, length) != 0 || ::listen(fd.get(), 16) != 0 ||
      ::getsockname(fd.get(), generic, &length) != 0) {
    return {};
  }
  port = ntohs(address.sin_port);
  return fd;
}

}  // namespace portlens::testing
