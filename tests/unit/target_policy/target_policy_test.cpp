#include "target_policy/target_policy.h"

#include <gtest/gtest.h>

#include <map>

#include "target_policy/policy_error.h"

namespace portlens::target_policy {
namespace {

core::IpAddress ip(const char* text) { return core::IpAddress::parse(text).value(); }

// A fake resolver: names map to fixed addresses; every lookup is counted, so a test can
// prove each name is resolved exactly once.
struct FakeDns {
  std::map<std::string, std::vector<core::IpAddress>> names;
  std::map<std::string, int> lookups;
  core::HostResolver resolver() {
    return [this](const std::string& name) {
      ++lookups[name];
      auto it = names.find(name);
      return it == names.end() ? std::vector<core::IpAddress>{} : it->second;
    };
  }
};

// What the policy decided: allowed, or which refusal.
enum class Outcome { kAllowed, kInvalidTarget, kForbidden, kTooLarge };

Outcome outcomeOf(Refusal refusal) {
  switch (refusal) {
    case Refusal::kInvalidTarget:
      return Outcome::kInvalidTarget;
    case Refusal::kForbidden:
      return Outcome::kForbidden;
    case Refusal::kTooLarge:
      return Outcome::kTooLarge;
  }
  return Outcome::kAllowed;
}

// Runs the policy and returns its outcome and the refusal message.
std::pair<Outcome, std::string> verdict(const TargetPolicy& policy, std::string_view targets,
                                        std::uint64_t ports = 100) {
  FakeDns dns;
  try {
    checkTargets(policy, targets, ports, dns.resolver());
    return {Outcome::kAllowed, ""};
  } catch (const PolicyError& e) {
    return {outcomeOf(e.refusal()), e.what()};
  }
}

Outcome status(std::string_view targets, const TargetPolicy& policy = {}) {
  return verdict(policy, targets).first;
}

struct Case {
  const char* target;
  const char* why;  // a word the refusal message must contain
};

TEST(TargetPolicy, RefusesEverySpecialRangeCaseByCase) {
  const Case cases[] = {
      {"127.0.0.1", "loopback"},
      {"127.255.255.254", "loopback"},
      {"10.1.2.3", "RFC 1918"},
      {"172.16.0.1", "RFC 1918"},
      {"172.31.255.255", "RFC 1918"},
      {"192.168.1.1", "RFC 1918"},
      {"100.64.0.1", "carrier-grade NAT"},
      {"100.127.255.254", "carrier-grade NAT"},
      {"169.254.1.1", "link-local"},
      {"169.254.169.254", "metadata"},
      {"224.0.0.1", "multicast"},
      {"239.255.255.250", "multicast"},
      {"240.0.0.1", "reserved"},
      {"255.255.255.255", "reserved"},
      {"0.0.0.0", "this network"},
      {"192.0.0.8", "IETF"},
      {"192.0.2.10", "documentation"},
      {"198.51.100.7", "documentation"},
      {"203.0.113.9", "documentation"},
      {"198.18.0.1", "benchmarking"},
      {"198.19.0.7", "benchmarking"},
      {"::1", "loopback"},
      {"[::1]", "loopback"},
      {"::", "unspecified"},
      {"fe80::1", "link-local"},
      {"fc00::1", "unique local"},
      {"fd12:3456::1", "unique local"},
      {"ff02::1", "multicast"},
      {"2001:db8::1", "documentation"},
      {"2001:2:0:1::7", "benchmarking"},
      {"64:ff9b::7f00:1", "translated"},
      {"64:ff9b:1::1", "translated"},
      {"::ffff:0:7f00:1", "translated"},
      {"::7f00:1", "compatible"},
      {"2002:7f00:1::1", "6to4"},
      {"2001:0:4136:e378::1", "Teredo"},
      {"100::1", "discard"},
      {"fec0::1", "site-local"},
  };
  for (const auto& c : cases) {
    auto [code, message] = verdict({}, c.target);
    EXPECT_EQ(code, Outcome::kForbidden) << c.target;
    EXPECT_NE(message.find(c.why), std::string::npos) << c.target << ": " << message;
  }
}

TEST(TargetPolicy, NumericSpellingsAreNormalisedBeforeTheCheck) {
  for (const char* spelling :
       {"2130706433", "0x7f000001", "0177.0.0.1", "0x7f.0.0.1", "127.1", "0177.1",
        "[::ffff:127.0.0.1]", "::ffff:127.0.0.1", "::ffff:7f00:1", "[::ffff:7f00:1]"}) {
    auto [code, message] = verdict({}, spelling);
    EXPECT_EQ(code, Outcome::kForbidden) << spelling;
    EXPECT_NE(message.find("127.0.0.1 is loopback"), std::string::npos) << spelling << message;
  }
  EXPECT_EQ(verdict({}, "167772161").second.find("10.0.0.1 is"), 0u);
  EXPECT_EQ(status("[::ffff:169.254.169.254]"), Outcome::kForbidden);
  EXPECT_EQ(status("0xA9FEA9FE"), Outcome::kForbidden);  // 169.254.169.254
}

TEST(TargetPolicy, MalformedNumbersAreBadRequests) {
  EXPECT_EQ(status("08.0.0.1"), Outcome::kInvalidTarget);
  EXPECT_EQ(status("256.1.1.1"), Outcome::kInvalidTarget);
  EXPECT_EQ(status("4294967296"), Outcome::kInvalidTarget);
  EXPECT_EQ(status("010.0.0.1-5"),
            Outcome::kInvalidTarget);  // octal or decimal? refused, never guessed
  EXPECT_EQ(status("1.2.3.4/33"), Outcome::kInvalidTarget);
  EXPECT_EQ(status(""), Outcome::kInvalidTarget);
  EXPECT_EQ(status("   "), Outcome::kInvalidTarget);
  EXPECT_EQ(status("no-such-name.invalid"), Outcome::kInvalidTarget);
}

TEST(TargetPolicy, PublicAddressesPass) {
  EXPECT_EQ(status("8.8.8.8"), Outcome::kAllowed);
  EXPECT_EQ(status("1.1.1.0/24"), Outcome::kAllowed);
  EXPECT_EQ(status("2606:4700::1111"), Outcome::kAllowed);
  EXPECT_EQ(status("[2606:4700::1111]"), Outcome::kAllowed);
}

TEST(TargetPolicy, RangesOverlappingASpecialBlockAreRefused) {
  auto [code, message] = verdict({}, "8.0.0.0/6");  // 8.0.0.0-11.255.255.255 holds 10/8
  EXPECT_EQ(code, Outcome::kForbidden);
  EXPECT_NE(message.find("includes a private network"), std::string::npos) << message;
  EXPECT_EQ(status("172.15.255.0-255"), Outcome::kAllowed);
  EXPECT_EQ(status("172.15-16.0.1"), Outcome::kForbidden);
  EXPECT_EQ(status("2000::/3"), Outcome::kForbidden);  // holds 2001:db8::/32 and more
}

TEST(TargetPolicy, AllowedBlocksOverrideTheDefaults) {
  TargetPolicy lab;
  lab.allowed = parseCidrList("198.19.0.0/16, 2001:2:0:1::/64");
  EXPECT_EQ(status("198.19.0.7", lab), Outcome::kAllowed);
  EXPECT_EQ(status("198.19.0.0/24", lab), Outcome::kAllowed);
  EXPECT_EQ(status("2001:2:0:1::7", lab), Outcome::kAllowed);
  EXPECT_EQ(status("198.19.0.7 2001:2:0:1::7", lab), Outcome::kAllowed);
  EXPECT_EQ(status("198.18.0.1", lab), Outcome::kForbidden);     // benchmarking, but not allowed
  EXPECT_EQ(status("198.18.0.0/15", lab), Outcome::kForbidden);  // half allowed is not allowed
  EXPECT_EQ(status("2001:2::1", lab), Outcome::kForbidden);
  EXPECT_EQ(status("127.0.0.1", lab), Outcome::kForbidden);
  EXPECT_EQ(status("3325231111", lab), Outcome::kAllowed);  // 198.52.0.7: public
}

TEST(TargetPolicy, AnonymousCallersScanOnlyTheirOwnAddress) {
  TargetPolicy anonymous;
  anonymous.only_address = ip("8.8.4.4");
  EXPECT_EQ(status("8.8.4.4", anonymous), Outcome::kAllowed);
  EXPECT_EQ(status("8.8.8.8", anonymous), Outcome::kForbidden);
  EXPECT_EQ(status("8.8.4.0/30", anonymous), Outcome::kForbidden);
  // Their own address is still checked: a loopback caller cannot scan loopback.
  anonymous.only_address = ip("127.0.0.1");
  EXPECT_EQ(status("127.0.0.1", anonymous), Outcome::kForbidden);
  anonymous.allowed = parseCidrList("127.0.0.1/32");
  EXPECT_EQ(status("127.0.0.1", anonymous), Outcome::kAllowed);
}

TEST(TargetPolicy, HostnamesResolveOnceAndEveryAddressIsChecked) {
  FakeDns dns;
  dns.names["good.example"] = {ip("8.8.8.8"), ip("2606:4700::1111")};
  dns.names["rebind.example"] = {ip("8.8.8.8"), ip("127.0.0.1")};
  dns.names["meta.example"] = {ip("169.254.169.254")};
  auto set = checkTargets({}, "good.example", 10, dns.resolver());
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.contains(ip("2606:4700::1111")));
  EXPECT_EQ(set.hostnameOf(ip("8.8.8.8")), "good.example");
  EXPECT_EQ(dns.lookups["good.example"], 1);
  EXPECT_THROW(checkTargets({}, "rebind.example", 10, dns.resolver()), PolicyError);
  EXPECT_THROW(checkTargets({}, "meta.example", 10, dns.resolver()), PolicyError);
  EXPECT_EQ(dns.lookups["rebind.example"], 1);
}

TEST(TargetPolicy, SizeCapIsHostsTimesPorts) {
  TargetPolicy capped;
  capped.max_probes = 1000;
  EXPECT_EQ(verdict(capped, "8.8.8.8", 1000).first, Outcome::kAllowed);
  EXPECT_EQ(verdict(capped, "8.8.8.8", 1001).first, Outcome::kTooLarge);
  EXPECT_EQ(verdict(capped, "8.8.8.0/24", 4).first, Outcome::kTooLarge);
  EXPECT_EQ(verdict(capped, "8.8.8.0/30", 250).first, Outcome::kAllowed);
  EXPECT_EQ(verdict(capped, "2606:4700::/64", 1).first, Outcome::kTooLarge);
}

}  // namespace
}  // namespace portlens::target_policy
