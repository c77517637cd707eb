#include "store/migrations.h"

#include <string>

namespace portlens::store {
namespace {

constexpr std::string_view kVersionsTable =
    "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version BIGINT "
    "NOT NULL)";

int readVersion(Database& db, std::string_view component) {
  auto st = db.prepare("SELECT version FROM schema_versions WHERE component = ?1");
  st.bind(1, component);
  return st.step() ? static_cast<int>(st.integer(0)) : 0;
}

}  // namespace

int schemaVersion(Database& db, std::string_view component) {
  if (!db.tableExists("schema_versions")) return 0;
  return readVersion(db, component);
}

void migrate(Database& db, std::string_view component, std::span<const Migration> migrations) {
  if (migrations.empty()) return;
  const int latest = migrations.back().version;
  // Every connection of a server opens here: an up-to-date database is seen without the
  // writer lock.
  if (schemaVersion(db, component) >= latest) return;
  {
    // Under the writer lock: two PostgreSQL sessions creating one table at once can both
    // fail on the catalog's unique index, IF NOT EXISTS or not.
    Transaction tx(db);
    db.exec(kVersionsTable);
    tx.commit();
  }
  for (const auto& m : migrations) {
    Transaction tx(db);
    if (readVersion(db, component) >= m.version) continue;  // another opener applied it
    try {
      db.exec(db.backend() == Backend::kSqlite ? m.sqlite : m.postgres);
    } catch (const StoreError& e) {
      throw StoreError("migration " + std::string(component) + " " + std::to_string(m.version) +
                       ": " + e.what());
    }
    auto record = db.prepare(
        "INSERT INTO schema_versions (component, version) VALUES (?1, ?2) "
        "ON CONFLICT (component) DO UPDATE SET version = ?2");
    record.bind(1, component).bind(2, std::int64_t{m.version});
    record.step();
    tx.commit();
  }
}

}  // namespace portlens::store
