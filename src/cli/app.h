// The portlens command line: subcommands registered on one CLI11 app. Every error that is the
// user's (bad option, bad target, bad port, unknown command) prints one line on stderr and
// returns 2. Called from main(); the unit tests call it too, with arguments that fail before
// a command runs.
#pragma once

namespace portlens::cli {

int runCli(int argc, char** argv);

}  // namespace portlens::cli
