// Versioned schema migrations, per component ("scans", "monitors", "alerts", ...), for both
// backends. The applied version of each component is a row of
//
//   schema_versions(component TEXT PRIMARY KEY, version BIGINT NOT NULL)
//
// migrate() applies, in order, every migration above the recorded version, each in its own
// write Transaction together with the new version row; a failure rolls that migration back
// and throws StoreError (the versions before it stay applied). Concurrent openers are safe:
// the version is read again inside the write transaction, whose lock (SQLite's writer lock,
// PostgreSQL's advisory lock) makes two processes apply a migration once, not twice.
//
// Rules for writing one: versions start at 1 and increase by 1; a released migration is never
// edited (add the next one); the SQL follows database.h's dialect rules. One text serves both
// backends when `postgres` is empty: there kIdKey stands for the auto-increment primary key
// (SQLite's INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL's identity column); the few
// migrations that must differ more give a second text. Version 1 of the components
// that existed before versioning is written with IF NOT EXISTS, so a database made by an
// older Portlens (tables, no schema_versions row) adopts it with its rows kept.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "store/database.h"

namespace portlens::store {

struct Migration {
  int version;
  std::string_view sqlite;         // or the text for both backends (postgres empty)
  std::string_view postgres = {};  // empty: `sqlite` with kIdKey spelled for PostgreSQL
};

// In a text shared by both backends: the table's auto-increment BIGINT primary key.
inline constexpr std::string_view kIdKey = "{{id_key}}";

// The SQL `m` runs on `backend` (pure; unit-tested).
std::string migrationSql(const Migration& m, Backend backend);

// The version of `component` in this database (0 = none applied).
int schemaVersion(Database& db, std::string_view component);

void migrate(Database& db, std::string_view component, std::span<const Migration> migrations);

}  // namespace portlens::store
