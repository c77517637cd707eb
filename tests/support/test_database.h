// A fresh, empty database for one store test, on either backend, so the store's tests run
// the same cases against SQLite and PostgreSQL (TEST_P over kTestBackends).
//
// SQLite: a file in a new temporary folder. PostgreSQL: a new schema in the test cluster that
// the CTest fixture `pg.start` runs (tests/support/pg_cluster.sh), found through the file
// named by PORTLENS_TEST_PG_URL_FILE; the location is the cluster's URL with that schema as
// search_path, so tests run in parallel without seeing each other's tables. Without a
// cluster, available() is false and the test skips itself (GTEST_SKIP).
#pragma once

#include <filesystem>
#include <string>

#include "store/database.h"

namespace portlens::testing {

inline constexpr store::Backend kTestBackends[] = {store::Backend::kSqlite,
                                                   store::Backend::kPostgres};

// "sqlite" / "postgres", for test names.
std::string backendName(store::Backend backend);

// The test cluster's URL, or "" when there is none.
std::string testClusterUrl();

class TestDatabase {
 public:
  // `tag` makes the name unique per test (the test's name).
  TestDatabase(store::Backend backend, const std::string& tag);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  bool available() const { return !location_.empty(); }
  // A SQLite path or a PostgreSQL URL (store/database.h).
  const std::string& location() const { return location_; }
  // A folder for other files of the test (both backends).
  const std::filesystem::path& dir() const { return dir_; }

 private:
  store::Backend backend_;
  std::filesystem::path dir_;
  std::string schema_;
  std::string location_;
};

}  // namespace portlens::testing
