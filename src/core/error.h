// Errors that reach the user. A UsageError is bad input (a token the user typed, a file they
// named); the CLI prints its message on one line and exits with code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace portlens::core {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitNotFound = 1;  // e.g. `portlens port` for an unknown name
inline constexpr int kExitUsage = 2;     // bad input: never a crash, always this code
inline constexpr int kExitRuntime = 3;   // the system refused something (permissions, limits)
inline constexpr int kExitInterrupted = 130;

}  // namespace portlens::core
