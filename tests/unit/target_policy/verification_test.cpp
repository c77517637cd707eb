// Verified targets, the pure part: what may be verified, the challenge life cycle on a manual
// clock, and how proofs meet the target policy (special ranges stay refused).
#include "target_policy/verification.h"

#include <gtest/gtest.h>

#include "support/manual_clock.h"
#include "target_policy/policy_error.h"
#include "target_policy/target_policy.h"

namespace portlens::target_policy {
namespace {

using namespace std::chrono_literals;

Refusal refusalOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const PolicyError& e) {
    return e.refusal();
  }
  ADD_FAILURE() << "no PolicyError";
  return Refusal::kInvalidTarget;
}

TEST(VerificationTarget, NamesAddressesAndSmallBlocks) {
  EXPECT_EQ(parseVerificationTarget("ScanMe.Example.", {}).name, "scanme.example");
  EXPECT_EQ(refusalOf([] { parseVerificationTarget("203.0.113.0/24", {}); }), Refusal::kForbidden)
      << "TEST-NET-3 is documentation space: special";
}

TEST(VerificationTarget, PublicBlocksOnlyAndSmall) {
  auto one = parseVerificationTarget("8.8.4.4", {});
  ASSERT_TRUE(one.block);
  EXPECT_EQ(one.toString(), "8.8.4.4/32");
  EXPECT_EQ(parseVerificationTarget("1.2.3.0/24", {}).toString(), "1.2.3.0/24");
  EXPECT_EQ(refusalOf([] { parseVerificationTarget("1.2.0.0/23", {}); }), Refusal::kInvalidTarget);
  EXPECT_EQ(refusalOf([] { parseVerificationTarget("2a00:1450::/112", {}); }),
            Refusal::kInvalidTarget);
  for (auto special : {"10.0.0.1", "127.0.0.1", "0x7f000001", "169.254.169.254", "192.168.1.0/24",
                       "100.64.0.1", "::1", "::ffff:10.0.0.1", "198.18.0.5"}) {
    EXPECT_EQ(refusalOf([&] { parseVerificationTarget(special, {}); }), Refusal::kForbidden)
        << special;
  }
  EXPECT_EQ(refusalOf([] { parseVerificationTarget("not a target", {}); }),
            Refusal::kInvalidTarget);
  EXPECT_EQ(refusalOf([] { parseVerificationTarget("-bad-.example", {}); }),
            Refusal::kInvalidTarget);
}

TEST(VerificationTarget, TestOnlyKnobOpensOnlyItsBlock) {
  const auto lab = parseCidrList("198.18.0.0/15");
  EXPECT_EQ(parseVerificationTarget("198.18.0.5", lab).toString(), "198.18.0.5/32");
  EXPECT_EQ(refusalOf([&] { parseVerificationTarget("10.0.0.5", lab); }), Refusal::kForbidden);
  EXPECT_NO_THROW(refuseSpecialAddresses({core::IpAddress::parse("198.19.1.1").value()}, lab));
  EXPECT_EQ(refusalOf([&] {
              refuseSpecialAddresses({core::IpAddress::parse("127.0.0.1").value()}, lab);
            }),
            Refusal::kForbidden);
}

class VerificationBookTest : public ::testing::Test {
 protected:
  testing::ManualClock clock_;
  VerificationBook book_{24h, 7 * 24h};
  VerificationTarget target_ = parseVerificationTarget("1.2.3.4", {});
};

TEST_F(VerificationBookTest, PendingProvedThenExpired) {
  auto c = book_.create("alice", target_, "id1", "tok1", clock_.wallNow());
  EXPECT_EQ(c.status, ChallengeStatus::kPending);
  EXPECT_EQ(c.expires - c.created, 24h);
  EXPECT_TRUE(book_.verifiedBlocks("alice", clock_.wallNow()).empty());
  EXPECT_FALSE(book_.find("bob", "id1", clock_.wallNow())) << "another token's id is unknown";

  clock_.advance(1h);
  auto proved = book_.markProved("alice", "id1", "http", {*target_.block}, clock_.wallNow());
  ASSERT_TRUE(proved);
  EXPECT_EQ(proved->status, ChallengeStatus::kVerified);
  EXPECT_EQ(book_.verifiedBlocks("alice", clock_.wallNow()).size(), 1u);
  EXPECT_TRUE(book_.verifiedBlocks("bob", clock_.wallNow()).empty());
  EXPECT_FALSE(book_.markProved("alice", "id1", "dns", {}, clock_.wallNow()))
      << "proved once; a second proof changes nothing";

  clock_.advance(7 * 24h - 1s);
  EXPECT_EQ(book_.verifiedBlocks("alice", clock_.wallNow()).size(), 1u);
  clock_.advance(1s);
  EXPECT_TRUE(book_.verifiedBlocks("alice", clock_.wallNow()).empty());
  EXPECT_EQ(book_.find("alice", "id1", clock_.wallNow())->status, ChallengeStatus::kExpired);
  clock_.advance(24h);
  EXPECT_FALSE(book_.find("alice", "id1", clock_.wallNow())) << "dropped after a while";
}

// What the server reads back from its store at start: a live proof counts until it expires,
// one that expired while the server was down opens nothing.
TEST_F(VerificationBookTest, RestoredProofsKeepTheirExpiry) {
  Challenge live;
  live.id = "live";
  live.owner = "alice";
  live.target = target_;
  live.token = "tok1";
  live.created = clock_.wallNow() - 2h;
  live.verified = clock_.wallNow() - 1h;
  live.expires = clock_.wallNow() + 1h;
  live.status = ChallengeStatus::kVerified;
  live.method = "http";
  live.proved = {*target_.block};
  Challenge lapsed = live;
  lapsed.id = "lapsed";
  lapsed.proved = {*parseVerificationTarget("5.6.7.8", {}).block};
  lapsed.expires = clock_.wallNow() - 1s;
  book_.restore(live, clock_.wallNow());
  book_.restore(lapsed, clock_.wallNow());
  const auto blocks = book_.verifiedBlocks("alice", clock_.wallNow());
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].toString(), "1.2.3.4/32");
  EXPECT_EQ(book_.find("alice", "lapsed", clock_.wallNow())->status, ChallengeStatus::kExpired);
  clock_.advance(1h);
  EXPECT_TRUE(book_.verifiedBlocks("alice", clock_.wallNow()).empty());
}

TEST_F(VerificationBookTest, ALateProofOpensNothing) {
  book_.create("alice", target_, "id1", "tok1", clock_.wallNow());
  clock_.advance(24h);
  EXPECT_FALSE(book_.markProved("alice", "id1", "http", {*target_.block}, clock_.wallNow()));
  EXPECT_TRUE(book_.verifiedBlocks("alice", clock_.wallNow()).empty());
}

TEST_F(VerificationBookTest, ChecksArePaced) {
  book_.create("alice", target_, "id1", "tok1", clock_.wallNow());
  EXPECT_EQ(book_.takeCheck("alice", "id1", clock_.wallNow()), 0);
  clock_.advance(1s);
  EXPECT_EQ(book_.takeCheck("alice", "id1", clock_.wallNow()), 4);
  clock_.advance(4s);
  EXPECT_EQ(book_.takeCheck("alice", "id1", clock_.wallNow()), 0);
}

TEST_F(VerificationBookTest, BoundedPerOwner) {
  for (std::size_t i = 0; i < VerificationBook::kMaxPerOwner; ++i) {
    book_.create("alice", target_, "id" + std::to_string(i), "t", clock_.wallNow());
  }
  EXPECT_EQ(refusalOf([&] { book_.create("alice", target_, "x", "t", clock_.wallNow()); }),
            Refusal::kTooLarge);
  EXPECT_NO_THROW(book_.create("bob", target_, "y", "t", clock_.wallNow()));
  EXPECT_EQ(book_.list("alice", clock_.wallNow()).size(), VerificationBook::kMaxPerOwner);
}

// The policy: a token that must verify scans only what it proved; a proof never opens a
// special range, and a name is checked by every address it resolves to at scan time.
class VerifiedPolicyTest : public ::testing::Test {
 protected:
  static std::vector<core::IpAddress> resolve(const std::string& name) {
    if (name == "scanme.example") return {core::IpAddress::parse("1.2.3.4").value()};
    if (name == "rebound.example") {
      return {core::IpAddress::parse("1.2.3.4").value(), core::IpAddress::parse("5.6.7.8").value()};
    }
    if (name == "inside.example") return {core::IpAddress::parse("10.1.1.1").value()};
    return {};
  }
  Refusal check(std::string_view targets) {
    return refusalOf([&] { checkTargets(policy_, targets, 1, resolve); });
  }
  TargetPolicy policy_{.allowed = {},
                       .only_address = std::nullopt,
                       .max_probes = 0,
                       .require_verified = true,
                       .verified = parseCidrList("1.2.3.4/32 10.0.0.0/8"),
                       .unsafe_treat_as_public = {}};
};

TEST_F(VerifiedPolicyTest, OnlyProvedAddresses) {
  EXPECT_EQ(checkTargets(policy_, "1.2.3.4 scanme.example", 1, resolve).size(), 1u);
  EXPECT_EQ(check("1.2.3.5"), Refusal::kForbidden);
  EXPECT_EQ(check("1.2.3.0/30"), Refusal::kForbidden);
  EXPECT_EQ(check("rebound.example"), Refusal::kForbidden) << "the name now also points elsewhere";
  policy_.require_verified = false;  // admins and the old behaviour
  EXPECT_EQ(checkTargets(policy_, "1.2.3.0/30", 1, resolve).size(), 4u);
}

TEST_F(VerifiedPolicyTest, ProofNeverOpensSpecialRanges) {
  // Even a (corrupt) proof of 10/8 leaves private space refused, by address or by name.
  EXPECT_EQ(check("10.1.1.1"), Refusal::kForbidden);
  EXPECT_EQ(check("inside.example"), Refusal::kForbidden);
  EXPECT_EQ(check("127.0.0.1"), Refusal::kForbidden);
}

TEST_F(VerifiedPolicyTest, TestKnobMakesLabPublicButStillNeedsProof) {
  policy_.unsafe_treat_as_public = parseCidrList("198.18.0.0/15");
  EXPECT_EQ(check("198.18.0.7"), Refusal::kForbidden);  // not proved
  policy_.verified.push_back(*parseCidr("198.18.0.7"));
  EXPECT_EQ(checkTargets(policy_, "198.18.0.7", 1, resolve).size(), 1u);
  EXPECT_EQ(check("10.1.1.1"), Refusal::kForbidden);
}

TEST_F(VerifiedPolicyTest, AllowedBlocksNeedNoProof) {
  policy_.allowed = parseCidrList("198.19.0.0/16");
  EXPECT_EQ(checkTargets(policy_, "198.19.0.1", 1, resolve).size(), 1u);
}

}  // namespace
}  // namespace portlens::target_policy
