// Giving up privileges. A SYN scan parses bytes that anyone on the network can send; the CLI
// does so with no capabilities and, when started as root, as the unprivileged user "nobody"
// (dropPrivileges, once its raw sockets are open).
//
// `portlens serve` splits in two (docs/deploy.md, "Privilege model"): the web process, which
// parses HTTP, keeps nothing (dropEverything); its SYN runner keeps CAP_NET_RAW in its
// permitted set only (keepOnlyRawSockets) and raises it to effective just while a scan opens
// its sockets (RawSocketCapability). All of these change the calling thread's capabilities
// (Linux keeps them per thread), so call the drops before any thread starts.
#pragma once

#include <sys/types.h>

#include <string>

namespace portlens::net {

// Throws std::system_error when a step fails (running on with privileges would be worse).
void dropPrivileges();

// True when the process can open AF_PACKET sockets (root, or CAP_NET_RAW).
bool canOpenRawSockets();

// The account a root process becomes.
struct ServiceUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};
// Throws core::UsageError when the account does not exist or is root itself (uid 0 would
// drop nothing).
ServiceUser lookupServiceUser(const std::string& name);
// "portlens" when that account exists (the Debian package's), else "nobody".
std::string defaultServiceUserName();

// True when CAP_NET_RAW is in the permitted set of a non-root process (systemd's
// AmbientCapabilities=CAP_NET_RAW, or a file capability on the binary).
bool holdsRawSocketCapability();

// The web process: becomes `user` when root (nullptr: stays the current user, for a non-root
// start), every capability set empty (permitted, effective, inheritable, ambient), the
// bounding set cleared when allowed (root; otherwise systemd already bounded it), and
// no_new_privs. Throws std::system_error.
void dropEverything(const ServiceUser* user);

// The SYN runner: like dropEverything, but CAP_NET_RAW stays in the permitted set (not in
// effective, nor inheritable or ambient) and in the bounding set. Throws std::system_error.
void keepOnlyRawSockets(const ServiceUser* user);

// Raises CAP_NET_RAW to the calling thread's effective set for its lifetime when it is
// permitted but not effective (the SYN runner); otherwise does nothing. Not copyable.
class RawSocketCapability {
 public:
  RawSocketCapability();
  ~RawSocketCapability();
  RawSocketCapability(const RawSocketCapability&) = delete;
  RawSocketCapability& operator=(const RawSocketCapability&) = delete;

 private:
  bool raised_ = false;
};

}  // namespace portlens::net
