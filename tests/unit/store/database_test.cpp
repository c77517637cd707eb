// The error contract of store/database.h on both backends: a unique key taken twice throws
// UniqueViolation (a store catches it to go another way: scan_store.cpp's result insert), and
// a savepoint (nested Transaction) undoes only its own statement.
#include "store/database.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "support/test_database.h"

namespace portlens::store {
namespace {

class DatabaseTest : public testing::BackendTest {};

std::vector<std::string> keys(Database& db) {
  auto st = db.prepare("SELECT k FROM t ORDER BY k");
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

TEST_P(DatabaseTest, AUniqueKeyTakenTwiceThrowsUniqueViolationAndOnlyItsSavepointIsUndone) {
  Database db(location());
  db.exec("CREATE TABLE t (k TEXT NOT NULL UNIQUE)");
  Transaction tx(db);
  db.exec("INSERT INTO t (k) VALUES ('a')");
  bool violated = false;
  try {
    Transaction attempt(db);
    db.exec("INSERT INTO t (k) VALUES ('b')");
    db.prepare("INSERT INTO t (k) VALUES (?1)").bind(1, std::string_view("a")).step();
    attempt.commit();
  } catch (const UniqueViolation&) {
    violated = true;
  }
  ASSERT_TRUE(violated);
  // exec() reports it the same way.
  EXPECT_THROW(
      {
        Transaction attempt(db);
        db.exec("INSERT INTO t (k) VALUES ('a')");
      },
      UniqueViolation);
  db.exec("INSERT INTO t (k) VALUES ('c')");  // the outer transaction goes on
  tx.commit();
  EXPECT_EQ(keys(db), (std::vector<std::string>{"a", "c"})) << "'b' went with its savepoint";
}

TEST_P(DatabaseTest, OtherConstraintsAreNotUniqueViolations) {
  Database db(location());
  db.exec("CREATE TABLE t (k TEXT NOT NULL UNIQUE)");
  try {
    db.prepare("INSERT INTO t (k) VALUES (?1)").bindNull(1).step();
    FAIL() << "a NULL was stored in a NOT NULL column";
  } catch (const UniqueViolation&) {
    FAIL() << "a NOT NULL violation was reported as a unique key taken twice";
  } catch (const StoreError& e) {
    std::string message = e.what();
    std::transform(message.begin(), message.end(), message.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    EXPECT_NE(message.find("null"), std::string::npos) << "the server's reason: " << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::ValuesIn(testing::kTestBackends),
                         testing::backendParamName);

}  // namespace
}  // namespace portlens::store
