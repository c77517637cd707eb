#include "net/privileges.h"

#include <grp.h>
#include <linux/securebits.h>
#include <pwd.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

#include "core/unique_fd.h"

namespace portlens::net {
namespace {

[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

void switchToNobody() {
  uid_t uid = 65534;
  gid_t gid = 65534;
  // getpwnam_r: the reentrant form, since the caller's process may already run threads.
  passwd entry{};
  passwd* nobody = nullptr;
  std::array<char, 4096> buffer{};
  if (::getpwnam_r("nobody", &entry, buffer.data(), buffer.size(), &nobody) == 0 && nobody) {
    uid = nobody->pw_uid;
    gid = nobody->pw_gid;
  }
  if (::setgroups(0, nullptr) != 0) fail("setgroups");
  if (::setresgid(gid, gid, gid) != 0) fail("setresgid");
  if (::setresuid(uid, uid, uid) != 0) fail("setresuid");
}

void clearCapabilities() {
  cap_t none = ::cap_init();  // every set empty
  if (none == nullptr) fail("cap_init");
  const int result = ::cap_set_proc(none);
  ::cap_free(none);
  if (result != 0) fail("cap_set_proc");
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

}  // namespace

void dropPrivileges() {
  if (::geteuid() == 0 || ::getuid() == 0) switchToNobody();
  clearCapabilities();
  // Nothing executed from here on can gain privileges back (setuid binaries, file caps).
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("PR_SET_NO_NEW_PRIVS");
}

bool canOpenRawSockets() {
  core::UniqueFd probe(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
  return probe.valid();
}

}  // namespace portlens::net
