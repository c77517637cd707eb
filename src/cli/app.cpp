#include "cli/app.h"

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <string>
#include <system_error>
#include <vector>

#include "cli/check_command.h"
#include "cli/command_context.h"
#include "cli/ephemeral_command.h"
#include "cli/free_command.h"
#include "cli/port_command.h"
#include "cli/scan_command.h"
#include "cli/serve_command.h"
#include "cli/sockets_command.h"
#include "cli/token_command.h"
#include "cli/who_command.h"
#include "core/error.h"

namespace portlens::cli {
// nmap spells some options with one dash and two letters (-iL, -sV); CLI11 only knows
// one-letter short options, so exactly these spellings are rewritten to their long names
// before parsing (-sV would otherwise read as -s with the value V).
std::vector<std::string> normalizeNmapOptions(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-iL") arg = "--input-list";
    if (arg == "-sV") arg = "--service-detection";
    args.push_back(std::move(arg));
  }
  return args;
}

int runCli(int argc, char** argv) {
  CLI::App app{"Portlens: what is open out there, what is listening here, and what changed."};
  app.name("portlens");
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(PORTLENS_VERSION));

  CommandContext context;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) context.command_line += ' ';
    context.command_line += argv[i];
  }
  addScanCommand(app, context);
  addPortCommand(app, context);
  addServeCommand(app, context);
  addTokenCommand(app, context);
  addSocketsCommand(app, context);
  addWhoCommand(app, context);
  addFreeCommand(app, context);
  addCheckCommand(app, context);
  addEphemeralCommand(app, context);

  try {
    auto args = normalizeNmapOptions(argc, argv);
    std::reverse(args.begin(), args.end());  // CLI11 takes the vector in reverse order
    app.parse(args);
    return context.exit_code;
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? core::kExitOk : core::kExitUsage;
  } catch (const core::UsageError& e) {
    fmt::print(stderr, "portlens: {}\n", e.what());
    return core::kExitUsage;
  } catch (const std::system_error& e) {
    fmt::print(stderr, "portlens: {}\n", e.what());
    return core::kExitRuntime;
  }
}

}  // namespace portlens::cli
