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
#include <memory>
#include <optional>
#include <system_error>

#include "core/error.h"
#include "core/unique_fd.h"
#include "net/proc_status.h"

namespace portlens::net {
namespace {

[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// getpwnam_r: the reentrant form, since the caller's process may already run threads.
std::optional<ServiceUser> findUser(const std::string& name) {
  passwd entry{};
  passwd* found = nullptr;
  std::array<char, 4096> buffer{};
  if (::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
    return std::nullopt;
  }
  return ServiceUser{name, found->pw_uid, found->pw_gid};
}

void switchToNobody() {
  const ServiceUser nobody = findUser("nobody").value_or(ServiceUser{"nobody", 65534, 65534});
  if (::setgroups(0, nullptr) != 0) fail("setgroups");
  if (::setresgid(nobody.gid, nobody.gid, nobody.gid) != 0) fail("setresgid");
  if (::setresuid(nobody.uid, nobody.uid, nobody.uid) != 0) fail("setresuid");
}

void clearCapabilities() {
  cap_t none = ::cap_init();  // every set empty
  if (none == nullptr) fail("cap_init");
  const int result = ::cap_set_proc(none);
  ::cap_free(none);
  if (result != 0) fail("cap_set_proc");
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

// Removes every capability but `keep` (-1: none) from the bounding set. Needs CAP_SETPCAP:
// done while root; a non-root start (systemd) already got its bounding set from the unit.
void reduceBoundingSet(int keep) {
  if (!CAP_IS_SUPPORTED(CAP_SETPCAP) || ::cap_get_bound(CAP_SETPCAP) < 0) return;
  cap_t own = ::cap_get_proc();
  cap_flag_value_t has_setpcap = CAP_CLEAR;
  if (own != nullptr) ::cap_get_flag(own, CAP_SETPCAP, CAP_EFFECTIVE, &has_setpcap);
  ::cap_free(own);
  if (has_setpcap != CAP_SET) return;
  for (int cap = 0; cap <= CAP_LAST_CAP; ++cap) {
    if (cap == keep) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) fail("PR_CAPBSET_DROP");
  }
}

void becomeUser(const ServiceUser& user) {
  if (::setgroups(0, nullptr) != 0) fail("setgroups");
  if (::setresgid(user.gid, user.gid, user.gid) != 0) fail("setresgid");
  if (::setresuid(user.uid, user.uid, user.uid) != 0) fail("setresuid");
}

void noNewPrivileges() {
  // Nothing executed from here on can gain privileges back (setuid binaries, file caps).
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("PR_SET_NO_NEW_PRIVS");
}

// Sets the calling thread's capabilities to exactly CAP_NET_RAW in `flags` (and nothing else).
void setOnlyNetRaw(std::initializer_list<cap_flag_t> flags) {
  std::unique_ptr<std::remove_pointer_t<cap_t>, int (*)(void*)> caps(::cap_init(), ::cap_free);
  if (!caps) fail("cap_init");
  const cap_value_t raw[] = {CAP_NET_RAW};
  for (cap_flag_t flag : flags) {
    if (::cap_set_flag(caps.get(), flag, 1, raw, CAP_SET) != 0) fail("cap_set_flag");
  }
  if (::cap_set_proc(caps.get()) != 0) fail("cap_set_proc");
}

}  // namespace

void dropPrivileges() {
  if (::geteuid() == 0 || ::getuid() == 0) switchToNobody();
  clearCapabilities();
  noNewPrivileges();
}

bool canOpenRawSockets() {
  core::UniqueFd probe(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
  return probe.valid();
}

ServiceUser lookupServiceUser(const std::string& name) {
  auto user = findUser(name);
  if (!user) {
    throw core::UsageError("user '" + name + "' does not exist: create it (adduser --system " +
                           name + ") or name another with --user / the config key `user`");
  }
  if (user->uid == 0) {
    throw core::UsageError("user '" + name + "' is root: serve must drop to an unprivileged one");
  }
  return *user;
}

std::string defaultServiceUserName() { return findUser("portlens") ? "portlens" : "nobody"; }

bool holdsRawSocketCapability() {
  auto status = readOwnStatus();
  return status && (status->permitted & kCapNetRawMask) != 0;
}

void dropEverything(const ServiceUser* user) {
  reduceBoundingSet(-1);
  // Without PR_SET_KEEPCAPS, leaving uid 0 empties the permitted and effective sets too.
  if (user != nullptr) becomeUser(*user);
  clearCapabilities();
  noNewPrivileges();
}

void keepOnlyRawSockets(const ServiceUser* user) {
  reduceBoundingSet(CAP_NET_RAW);
  if (user != nullptr) {
    // Keep the permitted set across setresuid; it is narrowed to CAP_NET_RAW right after.
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) fail("PR_SET_KEEPCAPS");
    becomeUser(*user);
    if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) fail("PR_SET_KEEPCAPS");
  }
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  setOnlyNetRaw({CAP_PERMITTED});
  noNewPrivileges();
}

RawSocketCapability::RawSocketCapability() {
  cap_t own = ::cap_get_proc();
  if (own == nullptr) return;
  cap_flag_value_t permitted = CAP_CLEAR;
  cap_flag_value_t effective = CAP_CLEAR;
  ::cap_get_flag(own, CAP_NET_RAW, CAP_PERMITTED, &permitted);
  ::cap_get_flag(own, CAP_NET_RAW, CAP_EFFECTIVE, &effective);
  if (permitted == CAP_SET && effective == CAP_CLEAR) {
    const cap_value_t raw[] = {CAP_NET_RAW};
    raised_ = ::cap_set_flag(own, CAP_EFFECTIVE, 1, raw, CAP_SET) == 0 && ::cap_set_proc(own) == 0;
  }
  ::cap_free(own);
}

RawSocketCapability::~RawSocketCapability() {
  if (!raised_) return;
  // Back to permitted only. A failure cannot be reported from a destructor; the thread then
  // keeps CAP_NET_RAW effective, which the runner holds in permitted anyway.
  cap_t own = ::cap_get_proc();
  if (own == nullptr) return;
  const cap_value_t raw[] = {CAP_NET_RAW};
  if (::cap_set_flag(own, CAP_EFFECTIVE, 1, raw, CAP_CLEAR) == 0) ::cap_set_proc(own);
  ::cap_free(own);
}

}  // namespace portlens::net
