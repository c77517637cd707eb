// The verification rows: what a restart reads back, when a proof stops counting (decided by
// the caller's time, never by sleeping), and that one token never sees another's.
#include "store/verification_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "support/manual_clock.h"

namespace portlens::store {
namespace {

class VerificationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("portlens-verification-store-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static VerificationRow pending(const std::string& owner, const std::string& id,
                                 std::int64_t created_ms) {
    VerificationRow r;
    r.public_id = id;
    r.owner = owner;
    r.target = "www.example";
    r.token = "portlens-" + id;
    r.created_ms = created_ms;
    r.expires_ms = created_ms + 1000;
    return r;
  }

  std::filesystem::path dir_;
  std::string path_;
  testing::ManualClock clock_;
};

TEST_F(VerificationStoreTest, RowsSurviveReopening) {
  {
    ScanStore scans(path_, clock_);
    VerificationStore store(scans);
    EXPECT_GT(store.insert(pending("alice", "a1", 100)), 0);
    store.insert(pending("alice", "a2", 200));
    store.setLastError("alice", "a2", "no TXT record at _portlens-challenge.www.example");
    ASSERT_TRUE(
        store.markVerified("alice", "a1", "dns", {"1.2.3.4/32", "2001:db8::1/128"}, 300, 5000));
  }
  ScanStore scans(path_, clock_);  // the restart: a new connection to the same file
  VerificationStore store(scans);
  auto a1 = store.find("alice", "a1");
  ASSERT_TRUE(a1);
  EXPECT_EQ(a1->status, "verified");
  EXPECT_EQ(a1->method, "dns");
  EXPECT_EQ(a1->verified_ms, 300);
  EXPECT_EQ(a1->expires_ms, 5000);
  EXPECT_EQ(a1->created_ms, 100);
  EXPECT_EQ(a1->token, "portlens-a1");
  EXPECT_EQ(a1->target, "www.example");
  EXPECT_EQ(a1->proved, (std::vector<std::string>{"1.2.3.4/32", "2001:db8::1/128"}));
  auto a2 = store.find("alice", "a2");
  ASSERT_TRUE(a2);
  EXPECT_EQ(a2->status, "pending");
  EXPECT_EQ(a2->last_error, "no TXT record at _portlens-challenge.www.example");
  EXPECT_TRUE(a2->proved.empty());
  auto listed = store.list("alice");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].public_id, "a2") << "newest first";
  ASSERT_EQ(store.all().size(), 2u);
  EXPECT_EQ(store.all()[0].public_id, "a1") << "oldest first";
}

TEST_F(VerificationStoreTest, ProofsCountUntilTheyExpire) {
  ScanStore scans(path_, clock_);
  VerificationStore store(scans);
  store.insert(pending("alice", "a1", 0));
  EXPECT_TRUE(store.provedBlocks("alice", 10).empty()) << "pending opens nothing";
  ASSERT_TRUE(store.markVerified("alice", "a1", "http", {"5.6.7.0/30"}, 10, 3600));
  EXPECT_FALSE(store.markVerified("alice", "a1", "dns", {"9.9.9.9/32"}, 20, 9999))
      << "proved once: a second proof changes nothing";
  EXPECT_EQ(store.provedBlocks("alice", 3599), std::vector<std::string>{"5.6.7.0/30"});
  EXPECT_TRUE(store.provedBlocks("alice", 3600).empty()) << "expires_ms is the first ms it is gone";
}

TEST_F(VerificationStoreTest, ALapsedChallengeCannotBeProved) {
  ScanStore scans(path_, clock_);
  VerificationStore store(scans);
  store.insert(pending("alice", "a1", 0));  // lapses at 1000
  EXPECT_FALSE(store.markVerified("alice", "a1", "dns", {"1.2.3.4/32"}, 1000, 5000));
  EXPECT_EQ(store.find("alice", "a1")->status, "pending");
}

TEST_F(VerificationStoreTest, OwnersAreIsolated) {
  ScanStore scans(path_, clock_);
  VerificationStore store(scans);
  store.insert(pending("alice", "a1", 0));
  EXPECT_FALSE(store.find("bob", "a1"));
  EXPECT_TRUE(store.list("bob").empty());
  EXPECT_FALSE(store.markVerified("bob", "a1", "dns", {"1.2.3.4/32"}, 10, 5000))
      << "bob cannot prove alice's challenge";
  store.setLastError("bob", "a1", "bob was here");
  EXPECT_EQ(store.find("alice", "a1")->last_error, "");
  ASSERT_TRUE(store.markVerified("alice", "a1", "dns", {"1.2.3.4/32"}, 10, 5000));
  EXPECT_TRUE(store.provedBlocks("bob", 20).empty());
  EXPECT_EQ(store.provedBlocks("alice", 20).size(), 1u);
  EXPECT_THROW(store.insert(pending("bob", "a1", 0)), StoreError) << "ids are unique";
}

TEST_F(VerificationStoreTest, RetentionRemovesOnlyEndedRows) {
  ScanStore scans(path_, clock_);
  VerificationStore store(scans);
  store.insert(pending("alice", "old", 0));     // ends at 1000
  store.insert(pending("alice", "new", 5000));  // ends at 6000
  EXPECT_EQ(store.deleteEndedBefore(1000), 0u) << "ends at 1000: not before it";
  EXPECT_EQ(store.deleteEndedBefore(2000), 1u);
  ASSERT_EQ(store.all().size(), 1u);
  EXPECT_EQ(store.all()[0].public_id, "new");
}

}  // namespace
}  // namespace portlens::store
