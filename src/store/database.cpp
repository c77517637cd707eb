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
  --db_.open_transactions_;
  if (done_) return;
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
  done_ = true;
}

}  // namespace portlens::store
