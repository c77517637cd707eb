#include "scan/syn/route_plan.h"

#include <fmt/core.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <cstdio>

#include "core/error.h"
#include "net/route_lookup.h"
#include "net/socket_address.h"

namespace portlens::scan::syn {
namespace {

constexpr auto kNeighbourTimeout = std::chrono::milliseconds(3000);
// Routes of at most this many target intervals are compared with the first one.
constexpr std::size_t kRouteChecks = 64;

std::vector<core::IpAddress> sampleTargets(const core::TargetSet& targets, core::Family family) {
  std::vector<core::IpAddress> sample;
  if (family == core::Family::kIpv4) {
    for (const auto& interval : targets.v4().intervals()) {
      if (sample.size() >= kRouteChecks) break;
      sample.push_back(core::IpAddress::fromV4(interval.first));
    }
  } else {
    for (const auto& interval : targets.v6().intervals()) {
      if (sample.size() >= kRouteChecks) break;
      sample.push_back(core::IpAddress::fromV6(interval.first));
    }
  }
  return sample;
}

std::uint64_t familySize(const core::TargetSet& targets, core::Family family) {
  return family == core::Family::kIpv4 ? targets.v4().size() : targets.v6().size();
}

}  // namespace

std::optional<net::MacAddress> parseMac(const std::string& text) {
  net::MacAddress mac{};
  unsigned bytes[6];
  char tail = 0;
  if (std::sscanf(text.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &bytes[0], &bytes[1], &bytes[2],
                  &bytes[3], &bytes[4], &bytes[5], &tail) != 6) {
    return std::nullopt;
  }
  for (int i = 0; i < 6; ++i)
    mac[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(bytes[i]);
  return mac;
}

ResolvedPath resolvePath(const core::TargetSet& targets, core::Family family,
                         const RouteOverrides& overrides, bool need_mac, net::RouteSource& routes) {
  const auto sample = sampleTargets(targets, family);
  if (sample.empty()) throw core::UsageError("no targets of this address family");
  const auto& source_override =
      family == core::Family::kIpv4 ? overrides.source_ipv4 : overrides.source_ipv6;
  std::string why;
  auto route = routes.lookupRoute(sample.front(), why);
  if (!route) {
    if (!need_mac && source_override) {
      ResolvedPath path;
      path.origin.source = *source_override;
      return path;
    }
    throw core::UsageError(fmt::format("no route to {}: {}", sample.front().toString(), why));
  }
  for (std::size_t i = 1; i < sample.size(); ++i) {
    auto other = routes.lookupRoute(sample[i], why);
    if (!other || other->interface_index != route->interface_index ||
        other->gateway != route->gateway) {
      throw core::UsageError(
          fmt::format("{} and {} leave through different routes; scan them separately",
                      sample.front().toString(), sample[i].toString()));
    }
  }
  ResolvedPath path;
  auto interface = overrides.interface.empty() ? routes.lookupInterface(route->interface_index)
                                               : routes.lookupInterface(overrides.interface);
  if (!interface) {
    throw core::UsageError(
        overrides.interface.empty()
            ? fmt::format("the route to {} uses an interface that is not Ethernet or loopback",
                          sample.front().toString())
            : fmt::format("--interface {}: no such Ethernet interface", overrides.interface));
  }
  path.interface_index = interface->index;
  path.origin.source = source_override ? *source_override : route->source;
  path.origin.source_mac = interface->mac;
  path.loopback = interface->loopback;
  if (interface->loopback) return path;  // loopback frames carry zero MACs
  if (route->gateway) {
    path.next_hop = route->gateway;
  } else if (familySize(targets, family) == 1) {
    path.next_hop = sample.front();
  } else if (!overrides.router_mac) {
    throw core::UsageError(fmt::format(
        "the targets are on the directly connected network of {}; a SYN scan sends every "
        "frame to one next hop: give --router-mac, scan hosts one at a time, or use --connect",
        interface->name));
  }
  if (overrides.router_mac) {
    path.origin.next_hop_mac = *overrides.router_mac;
  } else if (need_mac) {
    auto mac = routes.resolveNeighbour(path.interface_index, *path.next_hop, kNeighbourTimeout);
    if (!mac) {
      throw core::UsageError(
          fmt::format("the next hop {} on {} does not answer ARP/NDP; give "
                      "--router-mac",
                      path.next_hop->toString(), interface->name));
    }
    path.origin.next_hop_mac = *mac;
  }
  return path;
}

FamilyPaths resolvePaths(const core::TargetSet& targets, const RouteOverrides& overrides,
                         bool need_mac, net::RouteSource& routes) {
  FamilyPaths paths;
  if (!targets.v4().empty()) {
    paths.ipv4 = resolvePath(targets, core::Family::kIpv4, overrides, need_mac, routes);
  }
  if (!targets.v6().empty()) {
    paths.ipv6 = resolvePath(targets, core::Family::kIpv6, overrides, need_mac, routes);
  }
  return paths;
}

SourcePorts reserveSourcePorts(std::optional<std::uint16_t> fixed, unsigned count) {
  // Above Linux's default ephemeral range (32768-60999), so ordinary connections of this
  // machine rarely collide with a scan.
  constexpr unsigned kLow = 61000;
  constexpr unsigned kHigh = 65535;
  auto hold = [](std::uint16_t port) {
    net::UniqueFd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
    int family = AF_INET6;
    if (!fd.valid()) {
      fd.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
      family = AF_INET;
    }
    int zero = 0;
    if (family == AF_INET6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    const auto any = family == AF_INET6 ? core::IpAddress::fromV6(0) : core::IpAddress::fromV4(0);
    const net::SocketAddress address = net::toSocketAddress(any, port);
    if (::bind(fd.get(), address.get(), address.length) != 0) fd.reset();
    return fd;
  };
  SourcePorts ports;
  if (fixed) {
    ports.base = *fixed;
    if (auto fd = hold(*fixed); fd.valid()) ports.holds.push_back(std::move(fd));
    return ports;
  }
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::uint32_t random = 0;
    if (getrandom(&random, sizeof random, 0) != sizeof random) random = 7919u * unsigned(attempt);
    const unsigned base = kLow + random % (kHigh - kLow + 1 - count);
    std::vector<net::UniqueFd> holds;
    for (unsigned i = 0; i < count; ++i) {
      auto fd = hold(static_cast<std::uint16_t>(base + i));
      if (!fd.valid()) break;
      holds.push_back(std::move(fd));
    }
    if (holds.size() == count) {
      ports.base = static_cast<std::uint16_t>(base);
      ports.holds = std::move(holds);
      return ports;
    }
  }
  throw core::UsageError("no block of free source ports above 61000; give --source-port");
}

}  // namespace portlens::scan::syn
