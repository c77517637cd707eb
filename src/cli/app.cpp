#include "cli/app.h"

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "cli/audit_command.h"
#include "cli/check_command.h"
#include "cli/command_context.h"
#include "cli/db_command.h"
#include "cli/diff_command.h"
#include "cli/ephemeral_command.h"
#include "cli/free_command.h"
#include "cli/policy_command.h"
#include "cli/port_command.h"
#include "cli/scan_command.h"
#include "cli/serve_command.h"
#include "cli/sockets_command.h"
#include "cli/syn_runner.h"
#include "cli/token_command.h"
#include "cli/who_command.h"
#include "cli/worker_command.h"
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

namespace {

bool isSubcommand(CLI::App& app, const std::string& word) {
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    if (command->check_name(word)) return true;
  }
  return false;
}

using AddCommand = void (*)(CLI::App&, CommandContext&);
struct Subcommand {
  const char* name;
  AddCommand add;
};
constexpr Subcommand kSubcommands[] = {
    {"scan", addScanCommand},
    {"port", addPortCommand},
    {"serve", addServeCommand},
    {"token", addTokenCommand},
    {"sockets", addSocketsCommand},
    {"who", addWhoCommand},
    {"free", addFreeCommand},
    {"check", addCheckCommand},
    {"ephemeral", addEphemeralCommand},
    {"policy", addPolicyCommand},
    {"audit", addAuditCommand},
    {"diff", addDiffCommand},
    {"db", addDbCommand},
    {"worker", addWorkerCommand},
    {"syn-runner", addSynRunnerCommand},  // hidden: serve's SYN runner process (syn_runner.h)
};

// Building every subcommand's options was most of a small command's own start-up (about 1M of
// the 1.6M instructions of `portlens port 80`, docs/architecture.md). When the first argument
// names a subcommand, only that one is built: its parse, errors and --help are the same. Any
// other first argument (--help, --version, a typo) gets them all, for the listing and errors.
void addSubcommands(CLI::App& app, CommandContext& context, int argc, char** argv) {
  if (argc > 1) {
    const std::string_view first = argv[1];
    for (const Subcommand& subcommand : kSubcommands) {
      if (first == subcommand.name) {
        subcommand.add(app, context);
        return;
      }
    }
  }
  for (const Subcommand& subcommand : kSubcommands) subcommand.add(app, context);
}

}  // namespace

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
  addSubcommands(app, context, argc, argv);

  try {
    auto args = normalizeNmapOptions(argc, argv);
    // CLI11 reads an unknown first word as a stray argument and answers "A subcommand is
    // required"; name the word instead.
    if (!args.empty() && !args.front().empty() && args.front().front() != '-' &&
        !isSubcommand(app, args.front())) {
      fmt::print(stderr, "portlens: unknown command '{}' (try portlens --help)\n", args.front());
      return core::kExitUsage;
    }
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
