// `portlens token create --name N [--allow CIDR,...] [--admin] [--db portlens.db]`: makes
// an API token, prints it once on stdout (only its SHA-256 is stored) and exits.
// --allow opens special ranges (private, lab, ...) to this token's scans; --admin lets it
// see every scan. Exit codes: 0; 2 for a bad CIDR or a name already taken; 3 when the
// database cannot be written.
// Parsing is apart from running: addTokenOptions + buildTokenRequest read the command line
// without running anything (tests/unit/cli).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/command_context.h"

namespace portlens::cli {

struct TokenOptions {
  std::string name;
  std::string allow;
  bool admin = false;
  std::string db = "portlens.db";
};
struct TokenRequest {
  std::string name;
  std::string allow;  // the --allow blocks, normalised: "198.19.0.0/16,2001:2::/48"
  bool admin = false;
  std::string db;
};
// Adds `token create`'s options to `create`.
void addTokenOptions(CLI::App& create, TokenOptions& options);
// Throws core::UsageError for a bad --name or --allow.
TokenRequest buildTokenRequest(const TokenOptions& options);

void addTokenCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
