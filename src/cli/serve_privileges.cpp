#include "cli/serve_privileges.h"

#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "store/database.h"

namespace portlens::cli {

PrivilegePlan planPrivileges(const std::string& configured_user) {
  PrivilegePlan plan;
  if (::geteuid() == 0) {
    plan.start = PrivilegeStart::kRoot;
    plan.user = net::lookupServiceUser(configured_user.empty() ? net::defaultServiceUserName()
                                                               : configured_user);
  } else if (net::holdsRawSocketCapability()) {
    plan.start = PrivilegeStart::kRawCapability;
  }
  return plan;
}

bool mayWrite(uid_t owner, gid_t group, mode_t mode, uid_t uid, gid_t gid) {
  if (owner == uid) return (mode & S_IWUSR) != 0;
  if (group == gid) return (mode & S_IWGRP) != 0;
  return (mode & S_IWOTH) != 0;
}

namespace {

[[noreturn]] void refuse(const net::ServiceUser& user, const std::string& what,
                         const std::string& path) {
  throw core::UsageError("serve runs as user '" + user.name +
                         "' once it drops root, and that user "
                         "cannot write the database " +
                         what + " '" + path + "': chown " + user.name + " '" + path +
                         "', or choose --db / --user");
}

}  // namespace

void checkDatabaseFolder(const std::string& db, const net::ServiceUser& user) {
  // A PostgreSQL store has no file here: the server decides who may write it.
  if (store::isPostgresUrl(db)) return;
  const std::filesystem::path file(db);
  const std::string folder = file.has_parent_path() ? file.parent_path().string() : ".";
  struct stat info {};
  // SQLite creates its journal and WAL files next to the database.
  if (::stat(folder.c_str(), &info) != 0 ||
      !mayWrite(info.st_uid, info.st_gid, info.st_mode, user.uid, user.gid)) {
    refuse(user, "folder", folder);
  }
}

void prepareDatabaseFor(const std::string& db, const net::ServiceUser& user, bool created) {
  if (store::isPostgresUrl(db)) return;
  checkDatabaseFolder(db, user);
  struct stat info {};
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string path = db + suffix;
    if (::stat(path.c_str(), &info) != 0) continue;  // absent: the user will create it
    if (mayWrite(info.st_uid, info.st_gid, info.st_mode, user.uid, user.gid)) continue;
    // Ours, from this run (root opened a new database): given to the user.
    if (created && info.st_uid == 0 && ::chown(path.c_str(), user.uid, user.gid) == 0) continue;
    refuse(user, "file", path);
  }
}

}  // namespace portlens::cli
