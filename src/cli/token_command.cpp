#include "cli/token_command.h"

#include <fmt/core.h>

#include <memory>
#include <system_error>

#include "core/clock.h"
#include "core/error.h"
#include "server/cidr.h"
#include "store/scan_store.h"
#include "store/sha256.h"

namespace portlens::cli {
namespace {

struct TokenOptions {
  std::string name;
  std::string allow;
  bool admin = false;
  std::string db = "portlens.db";
};

void createToken(const TokenOptions& options, CommandContext& context) {
  if (options.name.empty() || options.name.size() > 64) {
    throw core::UsageError("--name must be 1-64 characters");
  }
  std::string allow;
  try {
    for (const auto& cidr : server::parseCidrList(options.allow)) {
      if (!allow.empty()) allow += ',';
      allow += cidr.toString();
    }
  } catch (const std::invalid_argument& e) {
    throw core::UsageError(std::string("--allow: ") + e.what() + " (host bits must be zero)");
  }
  const std::string token = store::generateToken();
  try {
    core::SystemClock clock;
    store::ScanStore store(options.db, clock);
    if (store.tokenByName(options.name)) {
      throw core::UsageError("a token named '" + options.name + "' exists already");
    }
    store.insertToken({options.name, store::sha256Hex(token), allow, options.admin});
  } catch (const store::StoreError& e) {
    throw std::system_error(EIO, std::generic_category(), e.what());
  }
  fmt::print("{}\n", token);
  fmt::print(stderr, "portlens token: created '{}'{}{}; this is the only time the token is shown\n",
             options.name, allow.empty() ? "" : ", allowed " + allow,
             options.admin ? ", admin" : "");
  context.exit_code = core::kExitOk;
}

}  // namespace

void addTokenCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<TokenOptions>();
  CLI::App* token = app.add_subcommand("token", "Manage API tokens of the web service");
  token->require_subcommand(1);
  CLI::App* create = token->add_subcommand("create", "Create a token and print it once");
  create->add_option("--name", options->name, "Name of the token (shown in scan owners)")
      ->required();
  create->add_option("--allow", options->allow,
                     "Comma-separated CIDRs this token may scan despite the default refusals");
  create->add_flag("--admin", options->admin, "May see every scan");
  create->add_option("--db", options->db, "SQLite database file")->capture_default_str();
  create->callback([options, &context] { createToken(*options, context); });
}

}  // namespace portlens::cli
