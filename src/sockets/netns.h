// Moves the calling thread into another network namespace (setns CLONE_NEWNET). `name` is a
// name under /run/netns (as `ip netns add` creates) or, when it contains a '/', a path such as
// /proc/PID/ns/net. Call it before opening netlink sockets or reading /proc/net or
// /proc/sys/net: they belong to the namespace they are opened in.
// Throws core::UsageError when the namespace does not exist, std::system_error when setns is
// refused (it needs CAP_SYS_ADMIN).
#pragma once

#include <string>

namespace portlens::sockets {

void enterNetns(const std::string& name);

}  // namespace portlens::sockets
