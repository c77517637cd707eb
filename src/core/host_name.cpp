#include "core/host_name.h"

#include <unistd.h>

#include <array>

namespace portlens::core {

std::string localHostName() {
  std::array<char, 256> name{};  // HOST_NAME_MAX is 64 on Linux; room for other kernels
  if (::gethostname(name.data(), name.size() - 1) != 0) return "localhost";
  return name.data();
}

}  // namespace portlens::core
