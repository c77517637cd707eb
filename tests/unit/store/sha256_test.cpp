#include "store/sha256.h"

#include <gtest/gtest.h>

namespace portlens::store {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, TokensAreRandomAndPrefixed) {
  auto a = generateToken();
  auto b = generateToken();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("plt_", 0), 0u);
  EXPECT_EQ(a.size(), 4u + 64u);
}

}  // namespace
}  // namespace portlens::store
