#include "cli/token_command.h"

#include <fmt/core.h>

#include <memory>
#include <system_error>

#include "core/clock.h"
#include "core/error.h"
#include "store/scan_store.h"
#include "store/sha256.h"
#include "target_policy/cidr.h"

namespace portlens::cli {
namespace {

void createToken(const TokenRequest& request, CommandContext& context) {
  const std::string token = store::generateToken();
  try {
    core::SystemClock clock;
    store::ScanStore store(request.db, clock);
    if (store.tokenByName(request.name)) {
      throw core::UsageError("a token named '" + request.name + "' exists already");
    }
    store.insertToken({request.name, store::sha256Hex(token), request.allow, request.admin});
  } catch (const store::StoreError& e) {
    throw std::system_error(EIO, std::generic_category(), e.what());
  }
  fmt::print("{}\n", token);
  fmt::print(stderr, "portlens token: created '{}'{}{}; this is the only time the token is shown\n",
             request.name, request.allow.empty() ? "" : ", allowed " + request.allow,
             request.admin ? ", admin" : "");
  context.exit_code = core::kExitOk;
}

}  // namespace

TokenRequest buildTokenRequest(const TokenOptions& options) {
  if (options.name.empty() || options.name.size() > 64) {
    throw core::UsageError("--name must be 1-64 characters");
  }
  TokenRequest request{options.name, "", options.admin, options.db};
  try {
    for (const auto& cidr : target_policy::parseCidrList(options.allow)) {
      if (!request.allow.empty()) request.allow += ',';
      request.allow += cidr.toString();
    }
  } catch (const std::invalid_argument& e) {
    throw core::UsageError(std::string("--allow: ") + e.what() + " (host bits must be zero)");
  }
  return request;
}

void addTokenOptions(CLI::App& create, TokenOptions& options) {
  create.add_option("--name", options.name, "Name of the token (shown in scan owners)")->required();
  create.add_option("--allow", options.allow,
                    "Comma-separated CIDRs this token may scan despite the default refusals");
  create.add_flag("--admin", options.admin, "May see every scan");
  create.add_option("--db", options.db, "SQLite database file or postgresql:// URL")
      ->capture_default_str();
}

void addTokenCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<TokenOptions>();
  CLI::App* token = app.add_subcommand("token", "Manage API tokens of the web service");
  token->require_subcommand(1);
  CLI::App* create = token->add_subcommand("create", "Create a token and print it once");
  addTokenOptions(*create, *options);
  create->callback([options, &context] { createToken(buildTokenRequest(*options), context); });
}

}  // namespace portlens::cli
