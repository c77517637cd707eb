// The proxy headers' parsers and the client resolver: RFC 7239's examples, X-Forwarded-For as
// nginx writes it, and case by case the ways a client could try to pass for someone else.
#include "target_policy/forwarded.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace portlens::target_policy {
namespace {

core::IpAddress ip(std::string_view text) { return *core::IpAddress::parse(text); }

// Hops as text: an address, or "-" for a hop without one.
std::vector<std::string> shown(const std::vector<ForwardedHop>& hops) {
  std::vector<std::string> out;
  for (const auto& hop : hops) out.push_back(hop ? hop->toString() : "-");
  return out;
}

struct ParseCase {
  std::vector<std::string_view> headers;
  std::optional<std::vector<std::string>> hops;  // nullopt: malformed
};

TEST(ParseForwarded, FollowsRfc7239) {
  using Hops = std::vector<std::string>;
  const ParseCase cases[] = {
      {{"for=192.0.2.60;proto=http;by=203.0.113.43"}, Hops{"192.0.2.60"}},
      {{"For=\"[2001:db8:cafe::17]:4711\""}, Hops{"2001:db8:cafe::17"}},
      {{"for=192.0.2.43, for=198.51.100.17"}, Hops{"192.0.2.43", "198.51.100.17"}},
      {{"for=192.0.2.43,for=\"[2001:db8:cafe::17]\""}, Hops{"192.0.2.43", "2001:db8:cafe::17"}},
      {{"for=unknown"}, Hops{"-"}},
      {{"for=UNKNOWN, for=198.51.100.17"}, Hops{"-", "198.51.100.17"}},
      {{"for=_hidden, for=\"_SEVKISEK\""}, Hops{"-", "-"}},
      {{"for=\"192.0.2.43:47011\""}, Hops{"192.0.2.43"}},
      {{"for=\"192.0.2.43:_port-1\""}, Hops{"192.0.2.43"}},
      {{"for=\"[::ffff:192.0.2.9]\""}, Hops{"192.0.2.9"}},
      {{"for=192.0.2.1", "for=198.51.100.2"}, Hops{"192.0.2.1", "198.51.100.2"}},
      {{"proto=https;by=203.0.113.43"}, Hops{}},
      {{"for=192.0.2.1;;proto=http , ,for=198.51.100.2"}, Hops{"192.0.2.1", "198.51.100.2"}},
      {{"for=\"192.0.2.\\1\""}, Hops{"192.0.2.1"}},  // a quoted-pair is the character itself
      {{""}, Hops{}},
      // Malformed: nothing in the header is believed.
      {{"for=2001:db8::1"}, std::nullopt},                 // IPv6 must be quoted and bracketed
      {{"for=\"2001:db8::1\""}, std::nullopt},             // ... bracketed
      {{"for=\"[192.0.2.1]\""}, std::nullopt},             // brackets hold IPv6 only
      {{"for=\"[2001:db8::1\""}, std::nullopt},            // no closing bracket
      {{"for=\"[2001:db8::1]x\""}, std::nullopt},          // junk after the bracket
      {{"for=192.0.2.1:99999"}, std::nullopt},             // not a port
      {{"for=\"192.0.2.1:\""}, std::nullopt},              // empty port
      {{"for=\"192.0.2.1"}, std::nullopt},                 // unterminated quote
      {{"for=192.0.2.1;for=198.51.100.2"}, std::nullopt},  // two for= in one element
      {{"for"}, std::nullopt},
      {{"for="}, std::nullopt},
      {{"=192.0.2.1"}, std::nullopt},
      {{"for=192.0.2.1 junk"}, std::nullopt},
      {{"for=example.com"}, std::nullopt},
      {{"for=_"}, std::nullopt},
      {{"for=\"_bad/char\""}, std::nullopt},
      {{"for=\"192.0.2.1\x01\""}, std::nullopt},
      {{"for=192.0.2.1", "for="}, std::nullopt},  // one bad header spoils the list
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.headers.front());
    auto hops = parseForwarded(c.headers);
    ASSERT_EQ(hops.has_value(), c.hops.has_value());
    if (hops) {
      EXPECT_EQ(shown(*hops), *c.hops);
    }
  }
}

TEST(ParseXForwardedFor, ReadsWhatProxiesWrite) {
  using Hops = std::vector<std::string>;
  const ParseCase cases[] = {
      {{"198.18.0.2"}, Hops{"198.18.0.2"}},
      {{"203.0.113.7, 198.18.0.2"}, Hops{"203.0.113.7", "198.18.0.2"}},
      {{"2001:db8::1,198.18.0.2"}, Hops{"2001:db8::1", "198.18.0.2"}},
      {{"[2001:db8::1]:443 , 192.0.2.1:8080"}, Hops{"2001:db8::1", "192.0.2.1"}},
      {{"::ffff:192.0.2.9"}, Hops{"192.0.2.9"}},
      {{"unknown, 198.18.0.2"}, Hops{"-", "198.18.0.2"}},
      {{"not an address"}, Hops{"-"}},
      {{"192.0.2.1:http"}, Hops{"-"}},
      {{" , ,198.18.0.2,"}, Hops{"198.18.0.2"}},
      {{"192.0.2.1", "198.18.0.2"}, Hops{"192.0.2.1", "198.18.0.2"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.headers.front());
    auto hops = parseXForwardedFor(c.headers);
    ASSERT_EQ(hops.has_value(), c.hops.has_value());
    if (hops) {
      EXPECT_EQ(shown(*hops), *c.hops);
    }
  }
}

TEST(ParseForwarded, RefusesEndlessChains) {
  std::string many;
  for (int i = 0; i < 65; ++i) many += "for=192.0.2.1,";
  EXPECT_FALSE(parseForwarded({many}));
  std::string xff;
  for (int i = 0; i < 65; ++i) xff += "192.0.2.1,";
  EXPECT_FALSE(parseXForwardedFor({xff}));
}

struct ResolveCase {
  const char* what;
  std::string_view peer;
  std::vector<std::string_view> forwarded;
  std::vector<std::string_view> xff;
  std::string_view client;
};

// Trusted: the local nginx, the lab's proxy network and one IPv6 proxy.
const std::vector<Cidr> kTrusted = parseCidrList("127.0.0.1 198.18.1.0/24 2001:2:0:9::1");

TEST(ResolveClientAddress, BelievesOnlyTrustedProxies) {
  const ResolveCase cases[] = {
      {"direct client, no headers", "198.18.0.2", {}, {}, "198.18.0.2"},
      {"proxy, X-Forwarded-For", "127.0.0.1", {}, {"198.18.0.2"}, "198.18.0.2"},
      {"proxy, Forwarded", "127.0.0.1", {"for=198.18.0.2"}, {}, "198.18.0.2"},
      {"proxy over IPv6", "2001:2:0:9::1", {"for=\"[2001:2::5]:5000\""}, {}, "2001:2::5"},
      {"two trusted proxies", "127.0.0.1", {}, {"198.18.0.2, 198.18.1.5"}, "198.18.0.2"},
      {"proxy without headers", "127.0.0.1", {}, {}, "127.0.0.1"},
      {"every hop trusted: the left-most",
       "127.0.0.1",
       {},
       {"198.18.1.9, 127.0.0.1"},
       "198.18.1.9"},
      {"both headers agree", "127.0.0.1", {"for=198.18.0.2"}, {"198.18.0.2"}, "198.18.0.2"},
      {"a mapped peer address", "127.0.0.1", {}, {"::ffff:198.18.0.2"}, "198.18.0.2"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(resolveClientAddress(ip(c.peer), {c.forwarded, c.xff}, kTrusted), ip(c.client));
  }
}

// Each way a client might try to pass for another address, and what it gets instead.
TEST(ResolveClientAddress, RefusesSpoofing) {
  const ResolveCase cases[] = {
      {"untrusted peer sends X-Forwarded-For", "198.18.0.2", {}, {"192.0.2.99"}, "198.18.0.2"},
      {"untrusted peer sends Forwarded", "198.18.0.2", {"for=192.0.2.99"}, {}, "198.18.0.2"},
      {"untrusted peer names a trusted proxy", "198.18.0.2", {}, {"127.0.0.1"}, "198.18.0.2"},
      {"untrusted peer sends both",
       "203.0.113.5",
       {"for=192.0.2.99"},
       {"192.0.2.99"},
       "203.0.113.5"},
      // nginx appends the real peer to what the client sent: the right-most item wins.
      {"forged item left of the proxy's",
       "127.0.0.1",
       {},
       {"192.0.2.99, 198.18.0.2"},
       "198.18.0.2"},
      {"forged items in an earlier header",
       "127.0.0.1",
       {},
       {"192.0.2.99", "198.18.0.2"},
       "198.18.0.2"},
      {"forged trusted address left of the client",
       "127.0.0.1",
       {},
       {"198.18.1.5, 198.18.0.2"},
       "198.18.0.2"},
      // The proxy keeps X-Forwarded-For, the client forged Forwarded: they disagree.
      {"forged Forwarded next to a real X-Forwarded-For",
       "127.0.0.1",
       {"for=192.0.2.99"},
       {"198.18.0.2"},
       "127.0.0.1"},
      {"forged X-Forwarded-For next to a real Forwarded",
       "127.0.0.1",
       {"for=198.18.0.2"},
       {"192.0.2.99"},
       "127.0.0.1"},
      {"malformed Forwarded", "127.0.0.1", {"for=192.0.2.99;for=192.0.2.98"}, {}, "127.0.0.1"},
      {"malformed Forwarded beside X-Forwarded-For",
       "127.0.0.1",
       {"for=\"[::1"},
       {"198.18.0.2"},
       "127.0.0.1"},
      {"unknown hop: stop at the proxy that saw it",
       "127.0.0.1",
       {},
       {"192.0.2.99, unknown, 198.18.1.5"},
       "198.18.1.5"},
      {"obfuscated hop next to us", "127.0.0.1", {"for=192.0.2.99, for=_hidden"}, {}, "127.0.0.1"},
      {"garbage item next to us", "127.0.0.1", {}, {"192.0.2.99, 198.18.0.2 junk"}, "127.0.0.1"},
      {"a trusted proxy's port is not a client",
       "127.0.0.1",
       {},
       {"198.18.0.2, 127.0.0.1:80"},
       "198.18.0.2"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(resolveClientAddress(ip(c.peer), {c.forwarded, c.xff}, kTrusted), ip(c.client));
  }
}

TEST(ResolveClientAddress, NoTrustedProxiesMeansNoHeaders) {
  EXPECT_EQ(resolveClientAddress(ip("127.0.0.1"), {{"for=198.18.0.2"}, {"198.18.0.2"}}, {}),
            ip("127.0.0.1"));
}

}  // namespace
}  // namespace portlens::target_policy
