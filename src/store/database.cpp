#include "store/database.h"

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

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {  // nothing more to do in a destructor (a lost connection rolls back)
    }
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace portlens::store
