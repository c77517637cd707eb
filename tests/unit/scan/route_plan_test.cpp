// resolvePath/resolvePaths on a scripted route source: every kernel answer (route, interface,
// neighbour) is scripted, so the plan's decisions are checked without netlink and without
// sending anything. Addresses are only parsed here.
#include "scan/syn/route_plan.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "core/error.h"

namespace portlens::scan::syn {
namespace {

using namespace std::chrono_literals;

core::IpAddress ip(const char* text) { return core::IpAddress::parse(text).value(); }

constexpr net::MacAddress kEth0Mac = {0x02, 0, 0, 0, 0, 0x10};
constexpr net::MacAddress kLab0Mac = {0x02, 0, 0, 0, 0, 0x20};
constexpr net::MacAddress kRouterMac = {0x02, 0, 0, 0, 0, 0x01};
constexpr net::MacAddress kHostMac = {0x02, 0, 0, 0, 0, 0x07};
constexpr net::MacAddress kUserMac = {0x02, 0, 0, 0, 0, 0x99};

// Routes by exact target text, interfaces by index and name, and the neighbours that answer
// ARP/NDP; records every neighbour request.
class ScriptedRoutes final : public net::RouteSource {
 public:
  ScriptedRoutes() {
    interfaces_[1] = {1, "lo", {}, true};
    interfaces_[2] = {2, "eth0", kEth0Mac, false};
    interfaces_[3] = {3, "lab0", kLab0Mac, false};
  }

  std::optional<net::Route> lookupRoute(const core::IpAddress& target, std::string& why) override {
    auto it = routes_.find(target.toString());
    if (it == routes_.end()) {
      why = "Network is unreachable";
      return std::nullopt;
    }
    return it->second;
  }
  std::optional<net::Interface> lookupInterface(int index) override {
    auto it = interfaces_.find(index);
    if (it == interfaces_.end()) return std::nullopt;
    return it->second;
  }
  std::optional<net::Interface> lookupInterface(const std::string& name) override {
    for (const auto& [index, interface] : interfaces_) {
      if (interface.name == name) return interface;
    }
    return std::nullopt;
  }
  std::optional<net::MacAddress> resolveNeighbour(int interface_index,
                                                  const core::IpAddress& neighbour,
                                                  std::chrono::milliseconds timeout) override {
    asked.push_back({interface_index, neighbour.toString(), timeout});
    auto it = neighbours_.find(neighbour.toString());
    if (it == neighbours_.end()) return std::nullopt;
    return it->second;
  }

  void route(const char* target, net::Route route) { routes_[target] = route; }
  void neighbour(const char* address, net::MacAddress mac) { neighbours_[address] = mac; }

  struct Ask {
    int interface_index;
    std::string neighbour;
    std::chrono::milliseconds timeout;
  };
  std::vector<Ask> asked;

 private:
  std::map<std::string, net::Route> routes_;
  std::map<int, net::Interface> interfaces_;
  std::map<std::string, net::MacAddress> neighbours_;
};

net::Route viaGateway(int index, const char* source, const char* gateway) {
  return {index, ip(source), ip(gateway), false};
}
net::Route onLink(int index, const char* source) {
  return {index, ip(source), std::nullopt, false};
}

core::TargetSet targetsOf(std::initializer_list<const char*> addresses) {
  core::TargetSet targets;
  for (const char* a : addresses) targets.add(ip(a));
  return targets;
}

TEST(RoutePlanTest, GatewayRouteSendsToTheRoutersMac) {
  ScriptedRoutes routes;
  routes.route("198.51.100.1", viaGateway(2, "192.0.2.10", "192.0.2.1"));
  routes.route("198.51.100.9", viaGateway(2, "192.0.2.10", "192.0.2.1"));
  routes.neighbour("192.0.2.1", kRouterMac);
  const auto targets = targetsOf({"198.51.100.1", "198.51.100.9"});
  const auto path = resolvePath(targets, core::Family::kIpv4, {}, true, routes);
  EXPECT_EQ(path.interface_index, 2);
  EXPECT_EQ(path.origin.source, ip("192.0.2.10"));
  EXPECT_EQ(path.origin.source_mac, kEth0Mac);
  EXPECT_EQ(path.origin.next_hop_mac, kRouterMac);
  EXPECT_EQ(path.next_hop, ip("192.0.2.1"));
  EXPECT_FALSE(path.loopback);
  ASSERT_EQ(routes.asked.size(), 1u);  // the gateway, once, with the plan's patience
  EXPECT_EQ(routes.asked[0].interface_index, 2);
  EXPECT_EQ(routes.asked[0].neighbour, "192.0.2.1");
  EXPECT_EQ(routes.asked[0].timeout, 3000ms);
}

TEST(RoutePlanTest, OneOnLinkHostIsItsOwnNextHop) {
  ScriptedRoutes routes;
  routes.route("192.0.2.7", onLink(2, "192.0.2.10"));
  routes.neighbour("192.0.2.7", kHostMac);
  const auto path = resolvePath(targetsOf({"192.0.2.7"}), core::Family::kIpv4, {}, true, routes);
  EXPECT_EQ(path.next_hop, ip("192.0.2.7"));
  EXPECT_EQ(path.origin.next_hop_mac, kHostMac);
  ASSERT_EQ(routes.asked.size(), 1u);
  EXPECT_EQ(routes.asked[0].neighbour, "192.0.2.7");
}

// Several on-link hosts would each need their own MAC, but a SYN scan has one next hop.
TEST(RoutePlanTest, SeveralOnLinkHostsNeedARouterMac) {
  ScriptedRoutes routes;
  routes.route("192.0.2.7", onLink(2, "192.0.2.10"));
  routes.route("192.0.2.9", onLink(2, "192.0.2.10"));
  const auto targets = targetsOf({"192.0.2.7", "192.0.2.9"});
  try {
    resolvePath(targets, core::Family::kIpv4, {}, true, routes);
    FAIL() << "expected a UsageError";
  } catch (const core::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--router-mac"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("eth0"), std::string::npos) << e.what();
  }
  RouteOverrides overrides;
  overrides.router_mac = kUserMac;
  const auto path = resolvePath(targets, core::Family::kIpv4, overrides, true, routes);
  EXPECT_EQ(path.origin.next_hop_mac, kUserMac);
  EXPECT_FALSE(path.next_hop.has_value());
  EXPECT_TRUE(routes.asked.empty());  // the user's MAC is taken as is
}

TEST(RoutePlanTest, OverridesReplaceInterfaceSourceAndRouterMac) {
  ScriptedRoutes routes;
  routes.route("198.51.100.1", viaGateway(2, "192.0.2.10", "192.0.2.1"));
  RouteOverrides overrides;
  overrides.interface = "lab0";
  overrides.source_ipv4 = ip("198.18.0.1");
  overrides.router_mac = kUserMac;
  const auto path =
      resolvePath(targetsOf({"198.51.100.1"}), core::Family::kIpv4, overrides, true, routes);
  EXPECT_EQ(path.interface_index, 3);
  EXPECT_EQ(path.origin.source_mac, kLab0Mac);
  EXPECT_EQ(path.origin.source, ip("198.18.0.1"));
  EXPECT_EQ(path.origin.next_hop_mac, kUserMac);
  EXPECT_TRUE(routes.asked.empty());

  overrides.interface = "wlan9";
  EXPECT_THROW(
      resolvePath(targetsOf({"198.51.100.1"}), core::Family::kIpv4, overrides, true, routes),
      core::UsageError);
}

TEST(RoutePlanTest, MissingRouteIsAUsageErrorUnlessADryRunHasASource) {
  ScriptedRoutes routes;
  const auto targets = targetsOf({"203.0.113.5"});
  try {
    resolvePath(targets, core::Family::kIpv4, {}, true, routes);
    FAIL() << "expected a UsageError";
  } catch (const core::UsageError& e) {
    EXPECT_STREQ(e.what(), "no route to 203.0.113.5: Network is unreachable");
  }
  RouteOverrides overrides;
  overrides.source_ipv4 = ip("198.18.0.1");
  EXPECT_THROW(resolvePath(targets, core::Family::kIpv4, overrides, true, routes),
               core::UsageError);
  const auto dry = resolvePath(targets, core::Family::kIpv4, overrides, false, routes);
  EXPECT_EQ(dry.origin.source, ip("198.18.0.1"));
  EXPECT_TRUE(routes.asked.empty());
}

TEST(RoutePlanTest, SilentNeighbourAsksForARouterMac) {
  ScriptedRoutes routes;
  routes.route("198.51.100.1", viaGateway(2, "192.0.2.10", "192.0.2.1"));
  try {
    resolvePath(targetsOf({"198.51.100.1"}), core::Family::kIpv4, {}, true, routes);
    FAIL() << "expected a UsageError";
  } catch (const core::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("192.0.2.1 on eth0 does not answer"), std::string::npos)
        << e.what();
  }
  // A dry run needs no MAC and asks no neighbour.
  routes.asked.clear();
  const auto dry = resolvePath(targetsOf({"198.51.100.1"}), core::Family::kIpv4, {}, false, routes);
  EXPECT_EQ(dry.next_hop, ip("192.0.2.1"));
  EXPECT_TRUE(routes.asked.empty());
}

TEST(RoutePlanTest, TargetsLeavingByDifferentRoutesAreRefused) {
  ScriptedRoutes routes;
  routes.route("198.51.100.1", viaGateway(2, "192.0.2.10", "192.0.2.1"));
  routes.route("203.0.113.5", viaGateway(3, "198.18.0.1", "198.18.0.254"));
  EXPECT_THROW(resolvePath(targetsOf({"198.51.100.1", "203.0.113.5"}), core::Family::kIpv4, {},
                           true, routes),
               core::UsageError);
}

TEST(RoutePlanTest, LoopbackNeedsNoNeighbour) {
  ScriptedRoutes routes;
  routes.route("127.0.0.1", {1, ip("127.0.0.1"), std::nullopt, true});
  const auto path = resolvePath(targetsOf({"127.0.0.1"}), core::Family::kIpv4, {}, true, routes);
  EXPECT_TRUE(path.loopback);
  EXPECT_EQ(path.interface_index, 1);
  EXPECT_EQ(path.origin.next_hop_mac, net::MacAddress{});
  EXPECT_TRUE(routes.asked.empty());
}

TEST(RoutePlanTest, Ipv6PathAndOnlyTheFamiliesTheTargetsHold) {
  ScriptedRoutes routes;
  routes.route("2001:2::7", viaGateway(3, "2001:2::1", "fe80::1"));
  routes.neighbour("fe80::1", kRouterMac);
  const auto paths = resolvePaths(targetsOf({"2001:2::7"}), {}, true, routes);
  EXPECT_FALSE(paths.ipv4.has_value());
  ASSERT_TRUE(paths.ipv6.has_value());
  EXPECT_EQ(paths.ipv6->origin.source, ip("2001:2::1"));
  EXPECT_EQ(paths.ipv6->origin.source_mac, kLab0Mac);
  EXPECT_EQ(paths.ipv6->origin.next_hop_mac, kRouterMac);
  ASSERT_EQ(routes.asked.size(), 1u);
  EXPECT_EQ(routes.asked[0].neighbour, "fe80::1");
  EXPECT_EQ(routes.asked[0].interface_index, 3);
}

TEST(RoutePlanTest, ParsesMacs) {
  EXPECT_EQ(parseMac("02:00:00:00:00:99"), kUserMac);
  EXPECT_FALSE(parseMac("02:00:00:00:00").has_value());
  EXPECT_FALSE(parseMac("02:00:00:00:00:99:aa").has_value());
  EXPECT_FALSE(parseMac("zz:00:00:00:00:99").has_value());
}

}  // namespace
}  // namespace portlens::scan::syn
