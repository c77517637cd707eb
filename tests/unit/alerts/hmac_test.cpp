#include "alerts/hmac.h"

#include <gtest/gtest.h>

#include <string>

namespace portlens::alerts {
namespace {

std::string fromHex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// RFC 4231 section 4: the HMAC-SHA-256 results of test cases 1-4, 6 and 7 (case 5 is a
// truncated output).
TEST(Hmac, Rfc4231Case1) {
  EXPECT_EQ(hmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(Hmac, Rfc4231Case2ShortKey) {
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Hmac, Rfc4231Case3) {
  EXPECT_EQ(hmacSha256Hex(std::string(20, '\xaa'), std::string(50, '\xdd')),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
}

TEST(Hmac, Rfc4231Case4) {
  EXPECT_EQ(hmacSha256Hex(fromHex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                          std::string(50, '\xcd')),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

TEST(Hmac, Rfc4231Case6KeyLongerThanBlock) {
  EXPECT_EQ(hmacSha256Hex(std::string(131, '\xaa'),
                          "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Hmac, Rfc4231Case7) {
  EXPECT_EQ(hmacSha256Hex(std::string(131, '\xaa'),
                          "This is a test using a larger than block-size key and a larger than "
                          "block-size data. The key needs to be hashed before being used by the "
                          "HMAC algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(Hmac, KeyOfExactlyOneBlockIsNotHashed) {
  // 64-byte keys are used as they are; only longer ones are hashed first. Python's hmac gives
  // this value for key 'k' * 64 and message 'm'.
  EXPECT_EQ(hmacSha256Hex(std::string(64, 'k'), "m"),
            "3b7a8d453e76edb519238a515105a57508d0f169f480ebeee120a9e7803289fa");
  EXPECT_NE(hmacSha256Hex(std::string(64, 'k'), "m"), hmacSha256Hex(std::string(65, 'k'), "m"));
}

}  // namespace
}  // namespace portlens::alerts
