#include "sockets/filter.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_records.h"

namespace portlens::sockets {
namespace {

using testing::record;

SocketRecord https() {
  auto r = record(TcpState::kEstablished, "10.0.0.5", 40000, "93.184.216.34", 443, 1);
  r.uid = 33;
  r.processes.push_back({812, 5, "nginx", "nginx: worker"});
  return r;
}

bool matches(const std::string& text, const SocketRecord& r) {
  return parseFilter(text).matches(r);
}

TEST(Filter, EmptyMatchesEverything) {
  const Filter filter = parseFilter("  ");
  EXPECT_TRUE(filter.empty());
  EXPECT_TRUE(filter.matches(https()));
  EXPECT_EQ(filter.possibleStates(kAllStates), kAllStates);
}

TEST(Filter, Tests) {
  const auto r = https();
  EXPECT_TRUE(matches("state established and dport = 443", r));
  EXPECT_TRUE(matches("state established dport == :443", r));  // juxtaposition is "and"
  EXPECT_FALSE(matches("state listening", r));
  EXPECT_TRUE(matches("sport > 1024", r));
  EXPECT_FALSE(matches("sport < 1024", r));
  EXPECT_TRUE(matches("sport ge 40000 && sport le 40000", r));
  EXPECT_TRUE(matches("port 443", r));
  EXPECT_TRUE(matches("port = 40000", r));
  EXPECT_TRUE(matches("port != 443", r));  // the local side is not 443
  EXPECT_TRUE(matches("process nginx", r));
  EXPECT_FALSE(matches("process ngin", r));
  EXPECT_TRUE(matches("pid 812", r));
  EXPECT_TRUE(matches("uid 33", r));
  EXPECT_TRUE(matches("uid = 33", r));
  EXPECT_TRUE(matches("src 10.0.0.0/8", r));
  EXPECT_FALSE(matches("src 10.0.0.0/30", r));
  EXPECT_TRUE(matches("dst 93.184.216.34", r));
  EXPECT_FALSE(matches("dst ::/0", r));  // other family
  EXPECT_TRUE(matches("state connected", r));
}

TEST(Filter, BooleanStructure) {
  const auto r = https();
  EXPECT_TRUE(matches("not state listening", r));
  EXPECT_TRUE(matches("! state listening", r));
  EXPECT_TRUE(matches("state listening or dport = 443", r));
  EXPECT_FALSE(matches("state listening or dport = 80", r));
  EXPECT_TRUE(matches("(sport = 1 or sport = 40000) and not (uid 0 || uid 1)", r));
  // "and" binds tighter than "or".
  EXPECT_TRUE(matches("dport = 443 or uid 1 and uid 2", r));
  EXPECT_EQ(parseFilter("uid 1 or uid 2 and uid 3").toString(), "(uid 1 or (uid 2 and uid 3))");
}

TEST(Filter, ServiceNamesThroughTheLookup) {
  const PortLookup lookup = [](std::string_view name) -> std::optional<std::uint16_t> {
    if (name == "https") return 443;
    return std::nullopt;
  };
  EXPECT_TRUE(parseFilter("dport = https", lookup).matches(https()));
  EXPECT_THROW(parseFilter("dport = nosuch", lookup), core::UsageError);
  EXPECT_THROW(parseFilter("dport = https"), core::UsageError);
}

TEST(Filter, KernelStateMaskKeepsOnlyPossibleStates) {
  const auto listen = stateBit(TcpState::kListen);
  const auto established = stateBit(TcpState::kEstablished);
  EXPECT_EQ(parseFilter("state listening").possibleStates(kAllStates), listen);
  EXPECT_EQ(parseFilter("state listening and sport < 1024").possibleStates(kAllStates), listen);
  EXPECT_EQ(parseFilter("state listening or state established").possibleStates(kAllStates),
            listen | established);
  // An "or" with an unknown side can be true in any state.
  EXPECT_EQ(parseFilter("state listening or uid 0").possibleStates(kAllStates), kAllStates);
  EXPECT_EQ(parseFilter("not state listening").possibleStates(kAllStates), kAllStates & ~listen);
  EXPECT_EQ(parseFilter("state listening").possibleStates(kConnectedStates), 0u);
  EXPECT_EQ(parseFilter("state syn-recv").possibleStates(kAllStates),
            stateBit(TcpState::kSynRecv) | stateBit(TcpState::kNewSynRecv));
}

TEST(Filter, NeedsProcessesOnlyForProcessTests) {
  EXPECT_FALSE(parseFilter("uid 0 and sport 22").needsProcesses());
  EXPECT_TRUE(parseFilter("uid 0 and not process sshd").needsProcesses());
  EXPECT_TRUE(parseFilter("pid 1").needsProcesses());
}

TEST(Filter, BadInputIsAOneLineUsageError) {
  for (const char* bad :
       {"state", "state bogus", "sport <", "sport < 70000", "sport < -1", "(uid 0", "uid 0)",
        "uid x", "frobnicate", "src 300.1.1.1", "src 10.0.0.0/33", "src ::/129", "and", "not",
        "uid 0 or", "()", "sport = 1 = 2", "& uid 0"}) {
    try {
      parseFilter(bad);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const core::UsageError& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind("filter: ", 0), 0u) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos);
    }
  }
}

TEST(Filter, DeepNestingIsRefused) {
  EXPECT_THROW(parseFilter(std::string(500, '(') + "uid 0" + std::string(500, ')')),
               core::UsageError);
  std::string not_chain;
  for (int i = 0; i < 500; ++i) not_chain += "not ";
  EXPECT_THROW(parseFilter(not_chain + "uid 0"), core::UsageError);
  std::string long_chain = "uid 0";
  for (int i = 0; i < 3000; ++i) long_chain += " or uid 0";
  EXPECT_THROW(parseFilter(long_chain), core::UsageError);
}

}  // namespace
}  // namespace portlens::sockets

namespace portlens::sockets {
namespace {

using Side = PortCondition::Side;
using Cond = PortCondition::Test;

TEST(FilterKernelPorts, TopLevelConjunctionsOnly) {
  EXPECT_EQ(
      parseFilter("state established and dport = 443 and sport > 1023").kernelPortConditions(),
      (std::vector<PortCondition>{{Side::kPeer, Cond::kEq, 443}, {Side::kLocal, Cond::kGe, 1024}}));
  EXPECT_EQ(
      parseFilter("(sport < 1024 uid 0) and dport <= 9").kernelPortConditions(),
      (std::vector<PortCondition>{{Side::kLocal, Cond::kLe, 1023}, {Side::kPeer, Cond::kLe, 9}}));
  // Under "or" / "not", "!=" and "port" (either side) the kernel gets nothing.
  for (const char* text : {"sport = 1 or sport = 2", "not sport = 22", "sport != 22", "port 22",
                           "sport < 0", "sport > 65535", "uid 0", ""}) {
    EXPECT_TRUE(parseFilter(text).kernelPortConditions().empty()) << text;
  }
}

}  // namespace
}  // namespace portlens::sockets
