// The socket-level steps every connect transport shares: opening a probe socket that reports
// ICMP errors, reading those errors, spotting a self-connect, and closing an open port with
// a reset. Called from the engine's thread only.
#pragma once

#include "core/ip_address.h"
#include "net/socket_address.h"
#include "scan/transports/icmp_reason.h"

namespace portlens::scan {

enum class Blocking : bool { kNo, kYes };

// A TCP socket for `address` with IP_RECVERR/IPV6_RECVERR on, so ICMP errors land on its error
// queue. epoll needs it non-blocking; io_uring wants it blocking, so that the ring (not the
// socket) decides when to wait and the connect completes with its real result, never
// -EINPROGRESS. Returns the fd, or -errno.
int openProbeSocket(const core::IpAddress& address, Blocking blocking);

// Reads one ICMP error the kernel queued on the socket. Returns false when the queue holds
// none, i.e. the connect error came from TCP itself (a reset).
bool readIcmpError(int fd, StateAndReason& out);

// True for errors that mean "this machine is out of something now" (fds, ports, memory):
// the probe should be tried again later, not reported.
bool isResourceShortage(int error);

// A connect to a loopback port nobody listens on can pick that same port as its ephemeral
// source and "succeed" by simultaneous open. Such a socket talks to itself and says nothing
// about the port; the probe must be started again.
bool isSelfConnect(int fd);

// True when the socket has a peer (the handshake completed).
bool isConnected(int fd);

// The socket's pending error (SO_ERROR), or `fallback` when it has none.
int pendingSocketError(int fd, int fallback);

// Makes close() send a reset, so an open port leaves no TIME_WAIT on either side.
void setResetOnClose(int fd);

}  // namespace portlens::scan
