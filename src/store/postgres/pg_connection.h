// The PostgreSQL backend of store::Database (database.h): one libpq connection. Statements
// run with PQexecParams on their first step(); the rows are read from the PGresult.
// Write transactions take one advisory lock (kWriterLock), so writes are serialized as
// SQLite's are. A lost connection throws StoreError and leaves healthy() false.
#pragma once

#include "store/database.h"
#include "store/postgres/libpq_api.h"

namespace portlens::store {

// The advisory lock every write transaction holds ('PLNS' = 0x504c4e53); migrations too.
inline constexpr std::int64_t kWriterLock = 0x504c4e53;

class PgConnection : public Connection {
 public:
  explicit PgConnection(const std::string& url);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Backend backend() const override { return Backend::kPostgres; }
  void exec(std::string_view sql) override;
  std::unique_ptr<StatementImpl> prepare(std::string_view sql) override;
  int changes() const override { return changes_; }
  void beginWrite(bool writer_lock) override;
  bool healthy() const override { return !broken_ && libpq().PQstatus(conn_) == CONNECTION_OK; }
  bool tableExists(std::string_view name) override;
  void copyFrom(std::string_view target, std::string_view rows) override;

  // For statements: checks a result (throws with the server's message) and counts changes.
  void check(const PGresult* result, std::string_view sql);
  PGconn* raw() { return conn_; }

 private:
  PGconn* conn_ = nullptr;
  int changes_ = 0;
  bool broken_ = false;  // a COPY could not be ended: unusable though the socket is up
};

// Opens a libpq connection (notices silenced) or throws StoreError. Shared with the
// ChangeListener, which holds its own connection.
PGconn* connectPostgres(const std::string& url);

}  // namespace portlens::store
