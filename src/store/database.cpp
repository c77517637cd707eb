#include "store/database.h"

#include <string>

#include "store/postgres/pg_connection.h"
#include "store/sqlite/sqlite_connection.h"

namespace portlens::store {

bool isPostgresUrl(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Database::Database(const std::string& location) {
  if (isPostgresUrl(location)) {
    impl_ = std::make_unique<PgConnection>(location);
  } else {
    impl_ = std::make_unique<SqliteConnection>(location);
  }
}

Database::~Database() = default;

std::unique_ptr<Database> openDatabase(const std::string& location) {
  return std::make_unique<Database>(location);
}

Transaction::Transaction(Database& db, Locking locking) : db_(db), depth_(db.open_transactions_) {
  if (depth_ == 0) {
    db_.beginWrite(locking == Locking::kOneWriter);
  } else {
    db_.exec("SAVEPOINT sp_" + std::to_string(depth_));
  }
  ++db_.open_transactions_;
}

Transaction::~Transaction() {
  if (done_) return;
  --db_.open_transactions_;
  try {
    if (depth_ == 0) {
      db_.exec("ROLLBACK");
    } else {
      const std::string name = "sp_" + std::to_string(depth_);
      db_.exec("ROLLBACK TO SAVEPOINT " + name);
      db_.exec("RELEASE SAVEPOINT " + name);
    }
  } catch (...) {  // nothing more to do in a destructor (a lost connection rolls back)
  }
}

void Transaction::commit() {
  db_.exec(depth_ == 0 ? std::string("COMMIT") : "RELEASE SAVEPOINT sp_" + std::to_string(depth_));
  // Committed is closed: a transaction begun while this object is still in scope is a new
  // one, not a savepoint of a transaction that no longer exists.
  done_ = true;
  --db_.open_transactions_;
}

}  // namespace portlens::store
