#include "store/db_maintenance.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "store/database.h"

namespace portlens::store {
namespace {

constexpr int kBusyTimeoutMs = 10000;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbHandle = std::unique_ptr<sqlite3, CloseDb>;

// Opens an existing database (never creates one).
DbHandle openExisting(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK) {
    throw StoreError("cannot open database '" + path +
                     "': " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  return db;
}

std::int64_t fileSize(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<std::int64_t>(size);
}

}  // namespace

BackupResult backupDatabase(const std::string& db_path, const std::string& backup_path) {
  DbHandle source = openExisting(db_path);
  const std::string temporary = backup_path + ".tmp-" + std::to_string(::getpid());
  std::remove(temporary.c_str());
  sqlite3* raw = nullptr;
  DbHandle target;
  {
    const int rc = sqlite3_open_v2(temporary.c_str(), &raw,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    target.reset(raw);
    if (rc != SQLITE_OK) {
      throw StoreError("cannot create '" + temporary +
                       "': " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    }
  }
  sqlite3_backup* backup = sqlite3_backup_init(target.get(), "main", source.get(), "main");
  if (backup == nullptr) {
    const std::string error = sqlite3_errmsg(target.get());
    target.reset();
    std::remove(temporary.c_str());
    throw StoreError("backup of '" + db_path + "': " + error);
  }
  // -1: every page in one step, inside one read transaction (a consistent copy). BUSY or
  // LOCKED only when a writer holds a lock the reader needs; try again shortly.
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 200; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(50);
  }
  BackupResult result;
  result.pages = sqlite3_backup_pagecount(backup);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    const std::string error = sqlite3_errstr(rc);
    target.reset();
    std::remove(temporary.c_str());
    throw StoreError("backup of '" + db_path + "': " + error);
  }
  target.reset();  // closed (and synced) before it takes the final name
  std::error_code ec;
  std::filesystem::rename(temporary, backup_path, ec);
  if (ec) {
    std::remove(temporary.c_str());
    throw StoreError("cannot write '" + backup_path + "': " + ec.message());
  }
  result.bytes = fileSize(backup_path);
  return result;
}

VacuumResult vacuumDatabase(const std::string& db_path) {
  DbHandle db = openExisting(db_path);
  VacuumResult result;
  result.bytes_before = fileSize(db_path);
  char* error = nullptr;
  if (sqlite3_exec(db.get(), "VACUUM", nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw StoreError("vacuum of '" + db_path + "': " + message);
  }
  // Fold the WAL back into the file so the size shown is the real one.
  sqlite3_wal_checkpoint_v2(db.get(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  result.bytes_after = fileSize(db_path);
  return result;
}

}  // namespace portlens::store
