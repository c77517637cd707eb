// The portlens command line: subcommands registered on one CLI11 app. Every error that is the
// user's (bad option, bad target, bad port, unknown command) prints one line on stderr and
// returns 2. Called from main(); the unit tests call it too, with arguments that fail before
// a command runs.
#pragma once

#include <string>
#include <vector>

namespace portlens::cli {

int runCli(int argc, char** argv);

// argv without the program name, nmap's two-letter options (exactly -iL and -sV) rewritten to
// their long names (--input-list, --service-detection), which CLI11 cannot parse as short
// options. Pure; used by runCli and tests.
std::vector<std::string> normalizeNmapOptions(int argc, char** argv);

}  // namespace portlens::cli
