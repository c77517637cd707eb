// What every subcommand shares: the command line as typed (for reports) and the exit code
// its callback leaves for main() to return.
#pragma once

#include <string>

namespace portlens::cli {

struct CommandContext {
  std::string command_line;
  int exit_code = 0;
};

}  // namespace portlens::cli
