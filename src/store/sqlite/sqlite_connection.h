// The SQLite backend of store::Database (database.h): one sqlite3 connection in WAL mode.
#pragma once

#include <sqlite3.h>

#include "store/database.h"

namespace portlens::store {

class SqliteConnection : public Connection {
 public:
  explicit SqliteConnection(const std::string& path);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Backend backend() const override { return Backend::kSqlite; }
  void exec(std::string_view sql) override;
  std::unique_ptr<StatementImpl> prepare(std::string_view sql) override;
  int changes() const override { return sqlite3_changes(db_); }
  void beginWrite(bool /*writer_lock: SQLite has one writer*/) override { exec("BEGIN IMMEDIATE"); }
  bool healthy() const override { return true; }
  bool tableExists(std::string_view name) override;
  void copyFrom(std::string_view /*target*/, std::string_view /*rows*/) override {
    throw StoreError("COPY is PostgreSQL's: SQLite stores rows with prepared INSERTs");
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace portlens::store
