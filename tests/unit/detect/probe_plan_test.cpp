#include "detect/probe_plan.h"

#include <gtest/gtest.h>

#include "detect/pattern_set.h"
#include "detect/probe_parser.h"
#include "detect/service_match.h"

namespace portlens::detect {
namespace {

// A small database in the format, shaped like nmap's: NULL with banner rules, a common probe
// with fallbacks, a port-specific one, a rare one, a UDP one.
constexpr std::string_view kProbes =
    R"(Exclude T:9100
Probe TCP NULL q||
)"
    R"(match ssh m|^SSH-([\d.]+)-OpenSSH_([\w.]+) ?([^\r\n]*)\r?\n| )"
    R"(p/OpenSSH/ v/$2/ i/$SUBST(3,"-"," ") protocol $1/ )"
    R"(cpe:/a:openbsd:openssh:$2/
softmatch ftp m|^220 |
Probe TCP GetRequest q|GET / HTTP/1.0\r\n\r\n|
rarity 1
ports 80,8080
sslports 443
)"
    R"(match http m|^HTTP/1\.[01] \d\d\d.*\r\nServer: nginx/([\d.]+)|s )"
    R"(p/nginx/ v/$1/ cpe:/a:igor_sysoev:nginx:$1/
softmatch http m|^HTTP/1\.[01] \d\d\d|
Probe TCP Help q|HELP\r\n|
rarity 3
fallback GetRequest
match ftp m|^214 vsFTPd ([\d.]+)| p/vsftpd/ v/$1/
Probe TCP Redis q|*1\r\n$4\r\nPING\r\n|
rarity 8
ports 6379
match redis m|^\+PONG\r\n| p/Redis key-value store/
Probe UDP Dns q|\0\0|
rarity 1
match domain m|^\0\0|
)";

class ProbePlanTest : public ::testing::Test {
 protected:
  ProbeDatabase db_ = parseProbeDatabase(kProbes, "plan");
  std::size_t null_ = 0, get_ = 1, help_ = 2, redis_ = 3, dns_ = 4;
};

TEST_F(ProbePlanTest, NullFirstThenPortProbesThenByRarity) {
  using V = std::vector<std::size_t>;
  EXPECT_EQ(orderProbes(db_, {.port = 6379, .intensity = 7}), (V{null_, redis_, get_, help_}));
  EXPECT_EQ(orderProbes(db_, {.port = 22, .intensity = 7}), (V{null_, get_, help_}));
  EXPECT_EQ(orderProbes(db_, {.port = 22, .intensity = 9}), (V{null_, get_, help_, redis_}));
  EXPECT_EQ(orderProbes(db_, {.port = 22, .intensity = 0}), (V{null_}));
  EXPECT_EQ(orderProbes(db_, {.port = 22, .intensity = 2}), (V{null_, get_}));
  // sslports count inside TLS, ports outside.
  EXPECT_EQ(orderProbes(db_, {.port = 443, .tunnel = Tunnel::kSsl, .intensity = 0}),
            (V{null_, get_}));
  EXPECT_EQ(orderProbes(db_, {.port = 443, .intensity = 0}), (V{null_}));
  EXPECT_EQ(orderProbes(db_, {.port = 53, .intensity = 7, .protocol = Protocol::kUdp}), (V{dns_}));
}

TEST_F(ProbePlanTest, ExcludedPortsGetNoProbes) {
  EXPECT_TRUE(isPortExcluded(db_, 9100, Protocol::kTcp));
  EXPECT_FALSE(isPortExcluded(db_, 9100, Protocol::kUdp));
  EXPECT_TRUE(orderProbes(db_, {.port = 9100}).empty());
  EXPECT_EQ(orderProbes(db_, {.port = 9100, .all_ports = true}).front(), null_);
}

TEST_F(ProbePlanTest, SoftMatchNarrowsTheRestOfThePlan) {
  ProbePlanner planner(db_, {.port = 6379, .intensity = 7});
  EXPECT_EQ(planner.next(), null_);
  planner.noteSoftMatch("ftp");   // e.g. "220 " from the NULL probe
  planner.noteSoftMatch("http");  // later soft matches do not replace the first
  EXPECT_EQ(planner.softService(), "ftp");
  // Redis and GetRequest cannot confirm ftp; Help can.
  EXPECT_EQ(planner.next(), help_);
  EXPECT_EQ(planner.next(), std::nullopt);

  ProbePlanner all(db_, {.port = 6379, .intensity = 9});
  all.next();
  all.noteSoftMatch("ftp");
  EXPECT_EQ(all.next(), redis_);  // --version-all does not narrow
}

// nmap's serviceIsPossible: only the probe's own hard rules count. Fallbacks (and the implicit
// NULL fallback every probe has) would let almost every probe through a softmatch.
TEST_F(ProbePlanTest, ProbeCanConfirmOnlyThroughItsOwnRules) {
  EXPECT_TRUE(probeCanConfirm(db_, help_, "ftp"));
  EXPECT_FALSE(probeCanConfirm(db_, help_, "http"));  // only through fallback GetRequest
  EXPECT_FALSE(probeCanConfirm(db_, help_, "ssh"));   // only through the NULL fallback
  EXPECT_FALSE(probeCanConfirm(db_, get_, "ftp"));    // only a soft ftp rule in NULL
}

TEST_F(ProbePlanTest, ResponsesMatchOwnRulesThenFallbacksThenNull) {
  PatternSet patterns(db_);
  ASSERT_TRUE(patterns.failures().empty());
  MatchScratch scratch(patterns);
  auto ssh =
      matchResponse(db_, patterns, scratch, null_, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
  ASSERT_TRUE(ssh);
  EXPECT_FALSE(ssh->soft);
  EXPECT_EQ(ssh->service, "ssh");
  EXPECT_EQ(ssh->product, "OpenSSH");
  EXPECT_EQ(ssh->version, "9.2p1");
  EXPECT_EQ(ssh->info, "Debian 2+deb12u3 protocol 2.0");
  EXPECT_EQ(ssh->cpes, (std::vector<std::string>{"cpe:/a:openbsd:openssh:9.2p1"}));
  EXPECT_EQ(ssh->line, 3);

  // An nginx answer to Help is recognised through Help's fallback GetRequest.
  auto web = matchResponse(db_, patterns, scratch, help_,
                           "HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\n\r\n");
  ASSERT_TRUE(web);
  EXPECT_EQ(web->probe, get_);
  EXPECT_EQ(web->version, "1.22.1");
  EXPECT_EQ(web->cpes.at(0), "cpe:/a:igor_sysoev:nginx:1.22.1");

  // A banner sent late (answering GetRequest) still matches through the NULL fallback.
  auto late = matchResponse(db_, patterns, scratch, get_, "SSH-2.0-OpenSSH_8.4\r\n");
  ASSERT_TRUE(late);
  EXPECT_EQ(late->probe, null_);

  // Soft only: reported as soft with the service and no version.
  auto soft = matchResponse(db_, patterns, scratch, get_, "HTTP/1.0 200 OK\r\n\r\n");
  ASSERT_TRUE(soft);
  EXPECT_TRUE(soft->soft);
  EXPECT_EQ(soft->service, "http");
  EXPECT_TRUE(soft->product.empty());

  // A hard match later in the chain wins over an earlier soft one.
  auto hard = matchResponse(db_, patterns, scratch, help_, "214 vsFTPd 3.0.3\r\n");
  ASSERT_TRUE(hard);
  EXPECT_FALSE(hard->soft);
  EXPECT_EQ(hard->product, "vsftpd");

  EXPECT_FALSE(matchResponse(db_, patterns, scratch, get_, std::string("\0\x01", 2)));
}

}  // namespace
}  // namespace portlens::detect
