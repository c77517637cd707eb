#include "scan/transports/probe_socket.h"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace portlens::scan {

int openProbeSocket(const core::IpAddress& address, Blocking blocking) {
  const int family = address.isV4() ? AF_INET : AF_INET6;
  const int flags = SOCK_CLOEXEC | (blocking == Blocking::kNo ? SOCK_NONBLOCK : 0);
  int fd = socket(family, SOCK_STREAM | flags, IPPROTO_TCP);
  if (fd < 0) return -errno;
  // ICMP errors on the error queue are how a connect scan learns *why* a port is unreachable
  // (admin-prohibited, port-unreach, ...) instead of a bare errno.
  int on = 1;
  if (address.isV4()) {
    setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on));
  } else {
    setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &on, sizeof(on));
  }
  return fd;
}

bool readIcmpError(int fd, StateAndReason& out) {
  char control[512];
  char data[64];
  iovec iov{data, sizeof(data)};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    bool v4 = c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR;
    bool v6 = c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR;
    if (!v4 && !v6) continue;
    sock_extended_err err;
    std::memcpy(&err, CMSG_DATA(c), sizeof(err));
    if (err.ee_origin == SO_EE_ORIGIN_ICMP) {
      out = fromIcmp4(err.ee_type, err.ee_code);
      return true;
    }
    if (err.ee_origin == SO_EE_ORIGIN_ICMP6) {
      out = fromIcmp6(err.ee_type, err.ee_code);
      return true;
    }
  }
  return false;
}

bool isResourceShortage(int error) {
  return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM ||
         error == EADDRNOTAVAIL || error == EAGAIN;
}

bool isSelfConnect(int fd) {
  sockaddr_storage local{};
  sockaddr_storage peer{};
  socklen_t local_length = sizeof(local);
  socklen_t peer_length = sizeof(peer);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0 ||
      getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0) {
    return false;
  }
  return local_length == peer_length && std::memcmp(&local, &peer, local_length) == 0;
}

bool isConnected(int fd) {
  sockaddr_storage peer{};
  socklen_t length = sizeof(peer);
  return getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) == 0;
}

int pendingSocketError(int fd, int fallback) {
  int error = 0;
  socklen_t length = sizeof(error);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error == 0) return fallback;
  return error;
}

void setResetOnClose(int fd) {
  linger hard_close{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard_close, sizeof(hard_close));
}

}  // namespace portlens::scan
