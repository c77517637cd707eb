// db backup and vacuum: the copy is a whole, consistent database even while another
// connection keeps writing, a failed backup leaves nothing under the final name, and a
// missing source database is an error rather than a new empty file.
#include "store/db_maintenance.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "store/scan_store.h"
#include "store/sqlite_db.h"
#include "support/manual_clock.h"

namespace portlens::store {
namespace {

// "t7" (built by appending: g++ 12 warns falsely, -Wrestrict, about "t" + std::to_string).
std::string tokenName(char prefix, int number) {
  std::string name(1, prefix);
  name += std::to_string(number);
  return name;
}

class DbMaintenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("portlens-db-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::int64_t tokenCount(const std::string& path) {
    Database db(path);
    auto st = db.prepare("SELECT count(*) FROM tokens");
    st.step();
    return st.integer(0);
  }
  std::string integrity(const std::string& path) {
    Database db(path);
    auto st = db.prepare("PRAGMA integrity_check");
    st.step();
    return st.text(0);
  }

  std::filesystem::path dir_;
  std::string path_;
  portlens::testing::ManualClock clock_;
};

TEST_F(DbMaintenanceTest, BackupIsConsistentWhileAnotherConnectionWrites) {
  ScanStore store(path_, clock_);
  for (int i = 0; i < 100; ++i)
    store.insertToken({tokenName('t', i), tokenName('h', i), "", false});
  std::atomic<bool> done{false};
  std::atomic<int> written{100};
  std::thread writer([&] {
    ScanStore other(path_, clock_);
    while (!done.load()) {
      other.insertToken(
          {tokenName('w', written.load()), tokenName('x', written.load()), "", false});
      ++written;
    }
  });
  const std::string copy = (dir_ / "copy.db").string();
  std::int64_t previous = 0;
  for (int round = 0; round < 5; ++round) {
    const auto result = backupDatabase(path_, copy);
    EXPECT_GT(result.pages, 0);
    EXPECT_EQ(integrity(copy), "ok");
    const auto count = tokenCount(copy);
    EXPECT_GE(count, std::max<std::int64_t>(100, previous));  // each copy is a later commit
    previous = count;
  }
  done = true;
  writer.join();
  backupDatabase(path_, copy);
  EXPECT_EQ(tokenCount(copy), written.load());
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos);
  }
}

TEST_F(DbMaintenanceTest, MissingSourceIsAnErrorAndCreatesNothing) {
  const std::string copy = (dir_ / "copy.db").string();
  EXPECT_THROW(backupDatabase(path_, copy), StoreError);
  EXPECT_FALSE(std::filesystem::exists(path_));
  EXPECT_FALSE(std::filesystem::exists(copy));
  EXPECT_THROW(vacuumDatabase(path_), StoreError);
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(DbMaintenanceTest, UnwritableTargetLeavesNoFile) {
  { ScanStore store(path_, clock_); }
  const std::string copy = (dir_ / "no-such-dir" / "copy.db").string();
  EXPECT_THROW(backupDatabase(path_, copy), StoreError);
  EXPECT_FALSE(std::filesystem::exists(copy));
}

TEST_F(DbMaintenanceTest, VacuumKeepsTheRowsAndShrinksTheFile) {
  {
    ScanStore store(path_, clock_);
    for (int i = 0; i < 2000; ++i) {
      store.insertToken({tokenName('t', i), tokenName('h', i) + std::string(200, 'h'), "", false});
    }
    Database db(path_);
    db.exec("DELETE FROM tokens WHERE name != 't7'");
  }
  const auto result = vacuumDatabase(path_);
  EXPECT_LT(result.bytes_after, result.bytes_before);
  EXPECT_EQ(tokenCount(path_), 1);
  EXPECT_EQ(integrity(path_), "ok");
}

}  // namespace
}  // namespace portlens::store
