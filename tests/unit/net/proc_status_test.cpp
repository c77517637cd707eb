// Parsing /proc/PID/status and the service-user lookup. The status texts are copied from a
// Linux 6.1 kernel (a root shell, and `serve`'s SYN runner after its drop), not produced by
// our code; the capability numbers are linux/capability.h's.
#include "net/proc_status.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "net/privileges.h"

namespace portlens::net {
namespace {

constexpr const char* kRootShell =
    "Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\nPid:\t4242\n"
    "PPid:\t1\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t256\nGroups:\t0 \n"
    "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n"
    "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\n";

constexpr const char* kSynRunner =
    "Name:\tportlens\nPid:\t5000\nPPid:\t4999\nUid:\t65534\t65534\t65534\t65534\n"
    "Gid:\t65534\t65534\t65534\t65534\nGroups:\t\nCapInh:\t0000000000000000\n"
    "CapPrm:\t0000000000002000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000002000\n"
    "CapAmb:\t0000000000000000\nNoNewPrivs:\t1\n";

TEST(ProcStatusTest, RootHasEveryCapability) {
  const auto status = parseProcStatus(kRootShell);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->real_uid, 0u);
  EXPECT_EQ(status->effective_gid, 0u);
  EXPECT_EQ(status->permitted, 0x1ffffffffffULL);
  EXPECT_EQ(status->effective, 0x1ffffffffffULL);
  EXPECT_EQ(status->inheritable, 0u);
  EXPECT_EQ(status->ambient, 0u);
  EXPECT_NE(status->permitted & kCapNetRawMask, 0u);
}

TEST(ProcStatusTest, RunnerKeepsNetRawPermittedOnly) {
  const auto status = parseProcStatus(kSynRunner);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->real_uid, 65534u);
  EXPECT_EQ(status->effective_uid, 65534u);
  EXPECT_EQ(status->real_gid, 65534u);
  EXPECT_EQ(status->permitted, 0x2000u);  // bit 13, CAP_NET_RAW
  EXPECT_EQ(status->permitted, kCapNetRawMask);
  EXPECT_EQ(status->effective, 0u);
  EXPECT_EQ(status->bounding, 0x2000u);
}

TEST(ProcStatusTest, MissingOrMalformedLinesAreRefused) {
  EXPECT_FALSE(parseProcStatus(""));
  EXPECT_FALSE(parseProcStatus("Name:\tx\nUid:\t0\t0\t0\t0\n"));  // no Gid, no Cap lines
  std::string short_mask = kSynRunner;
  short_mask.replace(short_mask.find("0000000000002000"), 16, "2000");
  EXPECT_FALSE(parseProcStatus(short_mask));
  std::string bad_hex = kSynRunner;
  bad_hex.replace(bad_hex.find("0000000000002000"), 16, "00000000000020zz");
  EXPECT_FALSE(parseProcStatus(bad_hex));
  std::string bad_uid = kSynRunner;
  bad_uid.replace(bad_uid.find("Uid:\t65534"), 10, "Uid:\tnobody");
  EXPECT_FALSE(parseProcStatus(bad_uid));
}

// "CapPrmX:" or "XUid:" must not be read as the field.
TEST(ProcStatusTest, FieldNamesMatchWholeNames) {
  std::string text = std::string("XUid:\t1\t1\t1\t1\nCapPrmX:\tffffffffffffffff\n") + kSynRunner;
  const auto status = parseProcStatus(text);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->real_uid, 65534u);
  EXPECT_EQ(status->permitted, kCapNetRawMask);
}

TEST(ProcStatusTest, OwnStatusIsReadable) {
  const auto own = readOwnStatus();
  ASSERT_TRUE(own);  // /proc is mounted wherever the tests run
}

TEST(ServiceUserTest, MissingAccountIsAUsageErrorNamingIt) {
  try {
    lookupServiceUser("portlens-no-such-account");
    FAIL() << "no error";
  } catch (const core::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("'portlens-no-such-account' does not exist"),
              std::string::npos)
        << e.what();
  }
}

TEST(ServiceUserTest, RootIsRefusedAsTheServiceUser) {
  EXPECT_THROW(lookupServiceUser("root"), core::UsageError);
}

TEST(ServiceUserTest, NobodyIsFound) {
  const auto nobody = lookupServiceUser("nobody");  // in every Debian base system
  EXPECT_EQ(nobody.name, "nobody");
  EXPECT_NE(nobody.uid, 0u);
}

}  // namespace
}  // namespace portlens::net
