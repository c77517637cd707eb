#include "xml_check.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace portlens::output::testing {

CommandResult runCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> chunk{};
  while (std::size_t n = std::fread(chunk.data(), 1, chunk.size(), pipe)) {
    result.output.append(chunk.data(), n);
  }
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string writeTempFile(const std::string& name, const std::string& document) {
  // CTest runs each test in its own process, several at once: a fixed name let one test
  // truncate the file while another's xmllint was reading it. mkstemps makes it unique.
  std::string path = ::testing::TempDir() + "XXXXXX-" + name;
  const int suffix_length = static_cast<int>(name.size()) + 1;
  const int fd = ::mkstemps(path.data(), suffix_length);
  if (fd < 0) {
    ADD_FAILURE() << "mkstemps " << path << ": " << std::strerror(errno);
    return path;
  }
  ::close(fd);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << document;
  return path;
}

std::string shellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace portlens::output::testing
