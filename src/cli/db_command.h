// `portlens db backup FILE [--db portlens.db]` and `portlens db vacuum [--db portlens.db]`:
// maintenance of the web service's database, safe while `portlens serve` runs
// (store/db_maintenance.h). Both print one line on stderr saying what they did.
// Exit codes: 0; 2 for a bad option or a database file that does not exist; 3 when SQLite
// fails (unreadable source, unwritable FILE, disk full).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace portlens::cli {

void addDbCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
