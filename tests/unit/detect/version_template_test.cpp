#include "detect/version_template.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace portlens::detect {
namespace {

VersionTemplate parse(std::string_view text) {
  return parseVersionTemplate(text, [](std::size_t at, const std::string& message) {
    throw std::invalid_argument(std::to_string(at) + ": " + message);
  });
}

// Captures for a subject and a list of (start, end) pairs; group 0 is the whole subject.
struct Fixture {
  std::string subject;
  std::vector<std::size_t> offsets;
  CaptureView view() const { return {subject, offsets.data(), offsets.size() / 2}; }
};

Fixture groups(std::initializer_list<std::string> parts) {
  Fixture f;
  f.offsets = {0, 0};
  for (const auto& part : parts) {
    f.offsets.push_back(f.subject.size());
    f.subject += part;
    f.offsets.push_back(f.subject.size());
  }
  f.offsets[1] = f.subject.size();
  return f;
}

std::string expand(std::string_view tmpl, const Fixture& f, FieldStyle style = FieldStyle::kText) {
  return expandVersionTemplate(parse(tmpl), f.view(), style).value_or("<none>");
}

TEST(VersionTemplate, GroupsAndLiterals) {
  auto f = groups({"2.0", "9.2p1"});
  EXPECT_EQ(expand("protocol $1", f), "protocol 2.0");
  EXPECT_EQ(expand("$2", f), "9.2p1");
  EXPECT_EQ(expand("$3", f), "");                    // no such group: empty, as an unset group
  EXPECT_EQ(expand("costs $x $", f), "costs $x $");  // '$' that starts no helper is text
}

// The format's documentation examples: $P for UTF-16 names, $SUBST for "_" in versions,
// $I for a version sent as a binary integer.
TEST(VersionTemplate, DocumentationHelpers) {
  auto utf16 = groups({std::string("W\0O\0R\0K\0G\0R\0O\0U\0P\0", 18)});
  EXPECT_EQ(expand("$P(1)", utf16), "WORKGROUP");
  auto underscores = groups({"3_1_5"});
  EXPECT_EQ(expand("$SUBST(1,\"_\",\".\")", underscores), "3.1.5");
  auto binary = groups({std::string("\x00\x01\x02", 3)});
  EXPECT_EQ(expand("$I(1,\">\")", binary), "258");
  EXPECT_EQ(expand("$I(1,\"<\")", binary), "131328");
  auto too_long = groups({std::string(9, '\1')});
  EXPECT_EQ(expand("v$I(1,\">\")", too_long), "<none>");
  auto crlf = groups({"a\r\nb"});
  EXPECT_EQ(expand("$SUBST(1, \"\\r\\n\", \",\")", crlf), "a,b");
}

TEST(VersionTemplate, PeerBytesAreEscapedAndBounded) {
  auto hostile = groups({std::string("\x1b[31mred\\\0\xff", 11)});
  EXPECT_EQ(expand("$1", hostile), "\\x1b[31mred\\\\\\x00\\xff");
  auto huge = groups({std::string(10000, '\x01')});
  std::string out = expand("x$1", huge);
  EXPECT_LE(out.size(), kMaxFieldBytes);
  EXPECT_EQ(out.size() % 4, 1u);  // "x" then whole "\x01" escapes only
}

TEST(VersionTemplate, CpeComponentsAreLowercaseAndEncoded) {
  auto f = groups({"OpenSSH", "9.2p1 Debian"});
  EXPECT_EQ(expand("a:openbsd:$1:$2", f, FieldStyle::kCpe), "a:openbsd:openssh:9.2p1%20debian");
}

TEST(VersionTemplate, MalformedHelpersAreRejected) {
  EXPECT_THROW(parse("$SUBST(1,\"\",\"x\")"), std::invalid_argument);
  EXPECT_THROW(parse("$I(1,\"=\")"), std::invalid_argument);
  EXPECT_THROW(parse("$P(0)"), std::invalid_argument);
  EXPECT_THROW(parse("$P(1"), std::invalid_argument);
  EXPECT_THROW(parse("$SUBST(1,\"a\",\"b\\q\")"), std::invalid_argument);
}

}  // namespace
}  // namespace portlens::detect
