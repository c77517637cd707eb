#include "registry/port_query.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace portlens::registry {
namespace {

TEST(PortQuery, ParsesPortNumbers) {
  for (const auto& [token, port] : std::vector<std::pair<const char*, std::uint16_t>>{
           {"0", 0}, {"443", 443}, {"065535", 65535}, {"65535", 65535}}) {
    const PortQuery query = parsePortQuery(token);
    EXPECT_EQ(query.kind, PortQuery::Kind::kPort) << token;
    EXPECT_EQ(query.port, port) << token;
  }
}

TEST(PortQuery, ParsesServiceNamesIncludingLegacyForms) {
  for (const char* token : {"https", "HTTP", "http-alt", "x11", "914c/g", "sql*net", "whois++",
                            "z39.50", "ocs_cmu", "3com-tsmux"}) {
    const PortQuery query = parsePortQuery(token);
    EXPECT_EQ(query.kind, PortQuery::Kind::kName) << token;
    EXPECT_EQ(query.name, token);
  }
}

TEST(PortQuery, RejectsInvalidTokensNamingThem) {
  for (const std::string& token : std::vector<std::string>{
           "70000", "65536", "-5", "+80", "abc!", "", "-", "-https", "99999999999999999999999999",
           "a b", "caf\xc3\xa9", std::string(65, 'a')}) {
    try {
      parsePortQuery(token);
      ADD_FAILURE() << "accepted: '" << token << "'";
    } catch (const core::UsageError& error) {
      const std::string message = error.what();
      EXPECT_EQ(message.find('\n'), std::string::npos);
      if (!token.empty() && token.size() <= 64 && token.find('\xc3') == std::string::npos) {
        EXPECT_NE(message.find("'" + token + "'"), std::string::npos) << message;
      }
    }
  }
}

TEST(PortQuery, KeepsErrorsOnOneLine) {
  try {
    parsePortQuery("bad\nname");
    FAIL() << "accepted a newline";
  } catch (const core::UsageError& error) {
    EXPECT_STREQ(error.what(), "'bad?name' is not a port number or service name");
  }
}

TEST(PortQuery, ResolvesNumbersAndNames) {
  const PortRegistry registry = PortRegistry::builtin();
  EXPECT_EQ(resolvePortQuery(registry, parsePortQuery("8080")), std::vector<std::uint16_t>{8080});
  EXPECT_EQ(resolvePortQuery(registry, parsePortQuery("https")), std::vector<std::uint16_t>{443});
  EXPECT_EQ(resolvePortQuery(registry, parsePortQuery("SSH")), std::vector<std::uint16_t>{22});
  EXPECT_TRUE(resolvePortQuery(registry, parsePortQuery("no-such-service")).empty());
}

}  // namespace
}  // namespace portlens::registry
