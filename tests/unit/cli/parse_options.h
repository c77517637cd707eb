// Runs one subcommand's option parser (its add*Options function) on a command line, as the
// real app would, without running the command.
#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"

namespace portlens::cli::testing {

template <typename Options, typename AddOptions>
Options parseOptions(AddOptions add_options, std::vector<std::string> args) {
  Options options;
  CLI::App app;
  CLI::App* command = app.add_subcommand("command");
  add_options(*command, options);
  args.insert(args.begin(), "command");
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector in reverse order
  app.parse(args);
  return options;
}

// What `build` refused with (core::UsageError's text), or "" when it accepted.
template <typename Build>
std::string usageErrorOf(Build build) {
  try {
    build();
  } catch (const core::UsageError& e) {
    return e.what();
  }
  return "";
}

}  // namespace portlens::cli::testing
