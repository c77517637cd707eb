// serve's privilege plan: who may write the database after the drop, the --user option and
// the `user` config key.
#include "cli/serve_privileges.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "cli/serve_command.h"
#include "core/error.h"
#include "parse_options.h"

namespace portlens::cli {
namespace {

// Permission bits as chmod(1) spells them; owner 1000:1000.
TEST(MayWriteTest, OwnerGroupAndOtherBitsDecide) {
  EXPECT_TRUE(mayWrite(1000, 1000, 0600, 1000, 50));
  EXPECT_FALSE(mayWrite(1000, 1000, 0400, 1000, 1000));  // the owner's bits, not the group's
  EXPECT_FALSE(mayWrite(1000, 1000, 0477, 1000, 1000));
  EXPECT_TRUE(mayWrite(1000, 1000, 0460, 2000, 1000));
  EXPECT_FALSE(mayWrite(1000, 1000, 0706, 2000, 1000));  // the group's bits, not other's
  EXPECT_TRUE(mayWrite(1000, 1000, 0602, 2000, 2000));
  EXPECT_FALSE(mayWrite(0, 0, 0755, 65534, 65534));  // root's 0755 folder
  EXPECT_TRUE(mayWrite(0, 0, 01777, 65534, 65534));  // /tmp
}

TEST(ServeUserOptionTest, OptionWinsOverTheConfigKey) {
  char pattern[] = "/tmp/portlens-priv-test-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  const std::string path = dir + "/portlens.toml";
  std::ofstream(path) << "user = \"daemon\"\n";
  EXPECT_EQ(
      buildServeConfig(testing::parseOptions<ServeOptions>(addServeOptions, {"--config", path}))
          .user,
      "daemon");
  EXPECT_EQ(buildServeConfig(testing::parseOptions<ServeOptions>(
                                 addServeOptions, {"--config", path, "--user", "nobody"}))
                .user,
            "nobody");
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

// Root only (chown): a new database is given to the user; a folder it cannot write is refused.
class PrepareDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (chown)";
    char pattern[] = "/tmp/portlens-priv-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    db_ = dir_ + "/portlens.db";
    std::ofstream(db_) << "x";
    ::chmod(db_.c_str(), 0600);
    user_ = net::lookupServiceUser("nobody");
  }
  void TearDown() override {
    std::remove(db_.c_str());
    ::rmdir(dir_.c_str());
  }
  std::string dir_;
  std::string db_;
  net::ServiceUser user_;
};

TEST_F(PrepareDatabaseTest, FolderTheUserCannotWriteIsRefused) {
  ::chmod(dir_.c_str(), 0700);  // root's
  const std::string error =
      testing::usageErrorOf([&] { prepareDatabaseFor(db_, user_, /*created=*/true); });
  EXPECT_NE(error.find("folder '" + dir_ + "'"), std::string::npos) << error;
  EXPECT_NE(error.find("nobody"), std::string::npos) << error;
}

TEST_F(PrepareDatabaseTest, NewDatabaseIsGivenToTheUser) {
  ASSERT_EQ(::chown(dir_.c_str(), user_.uid, user_.gid), 0);
  prepareDatabaseFor(db_, user_, /*created=*/true);
  struct stat info {};
  ASSERT_EQ(::stat(db_.c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, user_.uid);
}

TEST_F(PrepareDatabaseTest, ExistingDatabaseOfRootIsRefusedNotTaken) {
  ASSERT_EQ(::chown(dir_.c_str(), user_.uid, user_.gid), 0);
  const std::string error =
      testing::usageErrorOf([&] { prepareDatabaseFor(db_, user_, /*created=*/false); });
  EXPECT_NE(error.find("file '" + db_ + "'"), std::string::npos) << error;
  struct stat info {};
  ASSERT_EQ(::stat(db_.c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, 0u);
}

}  // namespace
}  // namespace portlens::cli
