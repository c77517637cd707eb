// What `portlens serve` does with its privileges (docs/deploy.md, "Privilege model").
// Started as root, or as another user holding CAP_NET_RAW (systemd's AmbientCapabilities),
// it splits: SYN scans go to a runner process that keeps CAP_NET_RAW only (cli/syn_runner.h)
// and the web process drops everything after binding its listener. Started without either,
// nothing changes (and SYN scans are refused, as before).
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>

#include "net/privileges.h"

namespace portlens::cli {

enum class PrivilegeStart {
  kUnprivileged,  // nothing to drop, no SYN runner
  kRoot,          // become `user`; the runner keeps CAP_NET_RAW
  kRawCapability  // non-root with CAP_NET_RAW: same user, the runner keeps it, serve drops it
};

struct PrivilegePlan {
  PrivilegeStart start = PrivilegeStart::kUnprivileged;
  net::ServiceUser user;  // kRoot only
  bool split() const { return start != PrivilegeStart::kUnprivileged; }
};

// Looks at the process (euid, /proc/self/status) and, when root, the account: `configured`,
// or net::defaultServiceUserName() when empty. Throws core::UsageError for a missing account.
PrivilegePlan planPrivileges(const std::string& configured_user);

// Pure: whether `uid`/`gid` (no supplementary groups: serve drops them) may write a file or
// directory with this owner and mode, by its permission bits (ACLs are not looked at).
bool mayWrite(uid_t owner, gid_t group, mode_t mode, uid_t uid, gid_t gid);

// Root start, before the database is opened: its folder must be writable by `user` (SQLite
// creates its -wal and -shm files there), else core::UsageError, and nothing is created.
void checkDatabaseFolder(const std::string& db, const net::ServiceUser& user);

// Root start, after the database is opened: the SQLite database `db` and its folder must be
// writable by `user` after the drop. Files serve created in this run (`created`: the database did
// not exist before it opened it) are given to the user; anything else it cannot write is refused
// with a core::UsageError that names the file and the fix.
void prepareDatabaseFor(const std::string& db, const net::ServiceUser& user, bool created);

}  // namespace portlens::cli
