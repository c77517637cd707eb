// Giving up privileges once the raw sockets are open. A SYN scan parses bytes that anyone on
// the network can send; it does so with no capabilities and, when started as root, as the
// unprivileged user "nobody". Call before any thread starts (it changes the whole process).
#pragma once

namespace portlens::net {

// Throws std::system_error when a step fails (running on with privileges would be worse).
void dropPrivileges();

// True when the process can open AF_PACKET sockets (root, or CAP_NET_RAW).
bool canOpenRawSockets();

}  // namespace portlens::net
