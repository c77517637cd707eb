#include "store/sqlite/sqlite_connection.h"

namespace portlens::store {
namespace {

// The error of the last call on `db`, as database.h's contract names it.
[[noreturn]] void throwLastError(sqlite3* db, const std::string& message) {
  const int code = sqlite3_extended_errcode(db);
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
    throw UniqueViolation(message);
  }
  throw StoreError(message);
}

[[noreturn]] void raise(sqlite3* db, std::string_view what) {
  throwLastError(db, std::string(what) + ": " + sqlite3_errmsg(db));
}

class SqliteStatement : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK) {
      raise(db_, "prepare");
    }
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bind(int index, std::int64_t value) override {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) raise(db_, "bind");
  }
  void bind(int index, double value) override {
    if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) raise(db_, "bind");
  }
  void bind(int index, std::string_view value) override {
    if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK) {
      raise(db_, "bind");
    }
  }
  void bindNull(int index) override {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) raise(db_, "bind");
  }
  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    raise(db_, "step");
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::int64_t integer(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double real(int column) const override { return sqlite3_column_double(stmt_, column); }
  std::string text(int column) const override {
    const auto* p = sqlite3_column_text(stmt_, column);
    if (!p) return {};
    return std::string(reinterpret_cast<const char*>(p),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  bool isNull(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw StoreError("cannot open database '" + path + "': " + message);
  }
  // Writers (scan jobs) and readers (HTTP) use separate connections; WAL lets readers go on
  // while a job commits, and the busy timeout absorbs the short writer-writer overlaps.
  sqlite3_busy_timeout(db_, 10000);
  // Only takes effect on a new, empty database (before its first table): monitors drop a
  // run's port rows once the next run is done, and incremental vacuum hands those pages back
  // so the file tracks the data kept (monitor_store.h). Older files keep reusing free pages.
  exec("PRAGMA auto_vacuum=INCREMENTAL");
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec("PRAGMA foreign_keys=ON");
}

SqliteConnection::~SqliteConnection() { sqlite3_close(db_); }

void SqliteConnection::exec(std::string_view sql) {
  char* error = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throwLastError(db_, message + " (in: " + text.substr(0, 60) + ")");
  }
}

std::unique_ptr<StatementImpl> SqliteConnection::prepare(std::string_view sql) {
  return std::make_unique<SqliteStatement>(db_, sql);
}

bool SqliteConnection::tableExists(std::string_view name) {
  SqliteStatement st(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  st.bind(1, name);
  return st.step();
}

}  // namespace portlens::store
