#include "core/screen_safe.h"

#include <gtest/gtest.h>

#include <string>

namespace portlens::core {
namespace {

TEST(ScreenSafe, EscapesC0AndDelOnly) {
  EXPECT_EQ(screenSafe("evil\n\x1b[2J\x7f"), "evil\\x0A\\x1B[2J\\x7F");
  EXPECT_EQ(screenSafe("caf\xC3\xA9"), "caf\xC3\xA9");
}

TEST(PeerText, KeepsPrintableUtf8) {
  EXPECT_EQ(peerText("caf\xC3\xA9 \xE2\x9C\x93 example.org", 100),
            "caf\xC3\xA9 \xE2\x9C\x93 example.org");
}

TEST(PeerText, EscapesControlsInvalidBytesAndBackslash) {
  EXPECT_EQ(peerText(std::string("a\0b", 3), 100), "a\\x00b");
  EXPECT_EQ(peerText("\x1b[31m", 100), "\\x1B[31m");
  EXPECT_EQ(peerText("\xC2\x9B"
                     "2J",
                     100),
            "\\xC2\\x9B2J");  // C1 CSI, encoded as UTF-8
  EXPECT_EQ(peerText("caf\xE9", 100), "caf\\xE9");
  EXPECT_EQ(peerText("\xC0\xAF", 100), "\\xC0\\xAF");
  EXPECT_EQ(peerText("a\\x41", 100), "a\\\\x41");  // a forged escape stays visibly forged
  EXPECT_EQ(peerText("CN=a\\,b", 100, Backslash::kKeep), "CN=a\\,b");
}

TEST(PeerText, CutsOnACharacterBoundaryAndSaysSo) {
  EXPECT_EQ(peerText("abcdef", 4), "abcd...");
  EXPECT_EQ(peerText("abc\xC3\xA9", 4), "abc...");  // never half a character
  EXPECT_EQ(peerText("abcd", 4), "abcd");
  EXPECT_EQ(peerText(std::string(1 << 20, 'x'), 64).size(), 64u + 3u);
}

}  // namespace
}  // namespace portlens::core
