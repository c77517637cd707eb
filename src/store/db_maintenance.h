// Maintenance of the web service's SQLite database, safe while `portlens serve` runs:
// `portlens db backup` and `portlens db vacuum` (cli/db_command) call these.
//
// backupDatabase copies with SQLite's online backup API in one step, i.e. inside one read
// transaction of the source: in WAL mode the server's writers go on, and the copy is the
// database as of one commit (never half a batch of records). The copy is written next to
// `backup_path` under a temporary name and renamed over it once complete, so an interrupted
// backup never leaves a truncated file under the final name.
//
// vacuumDatabase rebuilds the file to return the space of deleted rows; it takes the write
// lock (the server's writers wait for it, up to the busy timeout) and needs free disk space
// about the size of the database.
//
// Threads: the caller's. Errors: StoreError with SQLite's message (a missing source database
// is an error, never created).
#pragma once

#include <cstdint>
#include <string>

namespace portlens::store {

struct BackupResult {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;
};

BackupResult backupDatabase(const std::string& db_path, const std::string& backup_path);

struct VacuumResult {
  std::int64_t bytes_before = 0;
  std::int64_t bytes_after = 0;
};

VacuumResult vacuumDatabase(const std::string& db_path);

}  // namespace portlens::store
