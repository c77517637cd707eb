#include "sockets/netns.h"

#include <fcntl.h>
#include <sched.h>

#include <cerrno>
#include <system_error>

#include "core/error.h"
#include "core/unique_fd.h"

namespace portlens::sockets {

void enterNetns(const std::string& name) {
  if (name.empty()) throw core::UsageError("-N: empty network namespace name");
  const std::string path = name.find('/') == std::string::npos ? "/run/netns/" + name : name;
  core::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT)
      throw core::UsageError("no network namespace '" + name + "' (" + path + ")");
    throw std::system_error(errno, std::generic_category(), path);
  }
  if (::setns(fd.get(), CLONE_NEWNET) != 0) {
    throw std::system_error(errno, std::generic_category(), "setns " + path);
  }
}

}  // namespace portlens::sockets
