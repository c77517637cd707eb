// A fresh, empty database for one store test, on either backend, so the store's tests run
// the same cases against SQLite and PostgreSQL (TEST_P over kTestBackends).
//
// SQLite: a file in a new temporary folder. PostgreSQL: a new schema in the test cluster that
// the CTest fixture `pg.start` runs (tests/support/pg_cluster.sh), found through the file
// named by PORTLENS_TEST_PG_URL_FILE; the location is the cluster's URL with that schema as
// search_path, so tests run in parallel without seeing each other's tables. Without a
// cluster, available() is false and the test skips itself (GTEST_SKIP).
//
// BackendTest is the fixture every such suite derives from, so the per-test database and the
// skip live in one place:
//   class ScanStoreTest : public testing::BackendTest { ... };
//   TEST_P(ScanStoreTest, ...) { ScanStore store(location(), clock_); ... }
//   INSTANTIATE_TEST_SUITE_P(Backends, ScanStoreTest, ::testing::ValuesIn(testing::kTestBackends),
//                            testing::backendParamName);
// A fixture with its own SetUp calls BackendTest::SetUp() first and returns if IsSkipped().
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
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

// One database per test case on the backend GetParam() names; skips the case (GTEST_SKIP)
// when that backend is PostgreSQL and no test cluster runs.
class BackendTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override;
  void TearDown() override { database_.reset(); }

  store::Backend backend() const { return GetParam(); }
  bool onSqlite() const { return GetParam() == store::Backend::kSqlite; }
  // The test's database (store/database.h location) and a folder for its other files.
  const std::string& location() const { return database_->location(); }
  const std::filesystem::path& dir() const { return database_->dir(); }

 private:
  std::unique_ptr<TestDatabase> database_;
};

// For INSTANTIATE_TEST_SUITE_P: names the cases .../sqlite and .../postgres.
inline std::string backendParamName(const ::testing::TestParamInfo<store::Backend>& info) {
  return backendName(info.param);
}

}  // namespace portlens::testing
