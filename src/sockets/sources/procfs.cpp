#include "sockets/sources/procfs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "core/unique_fd.h"
#include "sockets/sources/procfs_parser.h"

namespace portlens::sockets {
namespace {

// /proc files report size 0, so read until EOF instead of trusting stat.
bool readWhole(const char* path, std::string& text) {
  core::UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return false;
    if (got == 0) return true;
    text.append(buffer, static_cast<std::size_t>(got));
  }
}

}  // namespace

std::vector<SocketRecord> readProcNetTcp(StateMask states) {
  std::vector<SocketRecord> records;
  std::string text;
  if (!readWhole("/proc/net/tcp", text)) {
    throw std::system_error(errno, std::generic_category(), "/proc/net/tcp");
  }
  parseProcNetTcp(text, core::Family::kIpv4, states, records);
  text.clear();
  if (readWhole("/proc/net/tcp6", text)) {
    parseProcNetTcp(text, core::Family::kIpv6, states, records);
  }
  return records;
}

}  // namespace portlens::sockets
