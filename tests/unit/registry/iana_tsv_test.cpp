#include "registry/iana_tsv.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace portlens::registry {
namespace {

TEST(IanaTsv, ParsesRowsInFileOrderAndSkipsComments) {
  const auto rows = parseIanaTsv(
      "# header\n"
      "80\thttp\tWorld Wide Web HTTP\n"
      "\n"
      "80\twww\tWorld Wide Web HTTP\r\n"
      "518\tntalk\t\n"
      "22\tssh\tThe Secure Shell (SSH) Protocol");  // no final newline
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].port, 80);
  EXPECT_EQ(rows[0].name, "http");
  EXPECT_EQ(rows[0].description, "World Wide Web HTTP");
  EXPECT_EQ(rows[1].name, "www");
  EXPECT_EQ(rows[1].description, "World Wide Web HTTP");  // CR stripped
  EXPECT_EQ(rows[2].description, "");
  EXPECT_EQ(rows[3].port, 22);
}

TEST(IanaTsv, EmptyInputHasNoRows) {
  EXPECT_TRUE(parseIanaTsv("").empty());
  EXPECT_TRUE(parseIanaTsv("# only a comment\n").empty());
}

TEST(IanaTsv, MalformedLinesThrowWithTheLineNumber) {
  for (const char* bad : {"80 http nothing\n", "80\thttp\n", "80\thttp\ta\tb\n", "x\thttp\td\n",
                          "65536\thttp\td\n", "-1\thttp\td\n", "80\t\td\n", "\thttp\td\n"}) {
    try {
      parseIanaTsv(std::string("# c\n") + bad);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const std::runtime_error& error) {
      EXPECT_NE(std::string(error.what()).find("line 2"), std::string::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace portlens::registry
