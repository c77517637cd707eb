#include "cli/db_command.h"

#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "core/error.h"
#include "store/database.h"
#include "store/db_maintenance.h"

namespace portlens::cli {
namespace {

struct DbOptions {
  std::string db = "portlens.db";
  std::string backup_file;
};

// A missing database is a wrong --db, not something to create empty. PostgreSQL has its own
// tools for both jobs, which know its storage: we point at them rather than half-do them.
void requireDatabase(const std::string& path) {
  if (store::isPostgresUrl(path)) {
    throw core::UsageError(
        "'db backup' and 'db vacuum' are for SQLite files; for PostgreSQL use pg_dump "
        "(backup, consistent while serve runs) and VACUUM / autovacuum (space)");
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw core::UsageError("no database at '" + path + "' (see --db)");
  }
}

void runBackup(const DbOptions& options, CommandContext& context) {
  requireDatabase(options.db);
  std::error_code ec;
  if (std::filesystem::equivalent(options.db, options.backup_file, ec)) {
    throw core::UsageError("the backup file is the database itself");
  }
  try {
    const auto result = store::backupDatabase(options.db, options.backup_file);
    fmt::print(stderr, "portlens db: backed up '{}' to '{}' ({} pages, {} bytes)\n", options.db,
               options.backup_file, result.pages, result.bytes);
  } catch (const store::StoreError& e) {
    throw std::system_error(EIO, std::generic_category(), e.what());
  }
  context.exit_code = core::kExitOk;
}

void runVacuum(const DbOptions& options, CommandContext& context) {
  requireDatabase(options.db);
  try {
    const auto result = store::vacuumDatabase(options.db);
    fmt::print(stderr, "portlens db: vacuumed '{}' ({} -> {} bytes)\n", options.db,
               result.bytes_before, result.bytes_after);
  } catch (const store::StoreError& e) {
    throw std::system_error(EIO, std::generic_category(), e.what());
  }
  context.exit_code = core::kExitOk;
}

}  // namespace

void addDbCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<DbOptions>();
  CLI::App* db = app.add_subcommand("db", "Back up or compact the web service's database");
  db->require_subcommand(1);
  CLI::App* backup =
      db->add_subcommand("backup", "Copy the database to FILE, consistent while serve runs");
  backup->add_option("FILE", options->backup_file, "Where to write the copy")->required();
  backup->add_option("--db", options->db, "SQLite database file (PostgreSQL: use pg_dump)")
      ->capture_default_str();
  backup->callback([options, &context] { runBackup(*options, context); });
  CLI::App* vacuum = db->add_subcommand("vacuum", "Rebuild the database file to free space");
  vacuum->add_option("--db", options->db, "SQLite database file (PostgreSQL: autovacuum)")
      ->capture_default_str();
  vacuum->callback([options, &context] { runVacuum(*options, context); });
}

}  // namespace portlens::cli
