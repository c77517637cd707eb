#include "net/route_lookup.h"

// The kernel's netlink and packet-ring macros (NLMSG_*, RTA_*, TPACKET_ALIGN) are C and use
// C casts; only this file sees them.
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wcast-align"

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <system_error>
#include <vector>

#include "core/unique_fd.h"
#include "net/netlink_socket.h"
#include "net/socket_address.h"

namespace portlens::net {
namespace {

int familyOf(const core::IpAddress& address) { return address.isV4() ? AF_INET : AF_INET6; }

std::vector<std::uint8_t> addressBytes(const core::IpAddress& address) {
  if (address.isV4()) {
    const std::uint32_t v = address.v4();
    return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
            static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
  }
  const auto bytes = address.v6Bytes();
  return {bytes.begin(), bytes.end()};
}

std::optional<core::IpAddress> addressFrom(const rtattr* attribute, int family) {
  const auto* data = static_cast<const std::uint8_t*>(RTA_DATA(attribute));
  const std::size_t length = RTA_PAYLOAD(attribute);
  if (family == AF_INET && length == 4) {
    return core::IpAddress::fromV4(static_cast<std::uint32_t>(data[0]) << 24 |
                                   static_cast<std::uint32_t>(data[1]) << 16 |
                                   static_cast<std::uint32_t>(data[2]) << 8 | data[3]);
  }
  if (family == AF_INET6 && length == 16) {
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), data, 16);
    return core::IpAddress::fromV6Bytes(bytes);
  }
  return std::nullopt;
}

template <typename Body>
std::vector<std::uint8_t> startMessage(std::uint16_t type, std::uint16_t flags, const Body& body) {
  std::vector<std::uint8_t> message(NLMSG_LENGTH(sizeof(Body)));
  auto* header = reinterpret_cast<nlmsghdr*>(message.data());
  header->nlmsg_type = type;
  header->nlmsg_flags = flags;
  std::memcpy(NLMSG_DATA(header), &body, sizeof(Body));
  return message;
}

std::optional<MacAddress> findNeighbour(NetlinkSocket& netlink, int interface_index,
                                        const core::IpAddress& neighbour) {
  ndmsg request{};
  request.ndm_family = static_cast<std::uint8_t>(familyOf(neighbour));
  auto message = startMessage(RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, request);
  std::optional<MacAddress> found;
  netlink.request(message, [&](const nlmsghdr& header) {
    if (header.nlmsg_type != RTM_NEWNEIGH) return;
    const auto* entry = static_cast<const ndmsg*>(NLMSG_DATA(&header));
    if (entry->ndm_ifindex != interface_index) return;
    constexpr std::uint16_t kUsable =
        NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP;
    if ((entry->ndm_state & kUsable) == 0) return;
    std::optional<core::IpAddress> destination;
    std::optional<MacAddress> mac;
    int left = static_cast<int>(header.nlmsg_len - NLMSG_LENGTH(sizeof(ndmsg)));
    for (const auto* a = reinterpret_cast<const rtattr*>(
             reinterpret_cast<const std::uint8_t*>(entry) + NLMSG_ALIGN(sizeof(ndmsg)));
         RTA_OK(a, left); a = RTA_NEXT(a, left)) {
      if (a->rta_type == NDA_DST) destination = addressFrom(a, entry->ndm_family);
      if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6) {
        MacAddress bytes{};
        std::memcpy(bytes.data(), RTA_DATA(a), 6);
        mac = bytes;
      }
    }
    if (destination == neighbour && mac) found = mac;
  });
  return found;
}

// Asks the kernel to resolve a neighbour (NTF_USE makes it send ARP/NDP as if a packet were
// waiting). That needs CAP_NET_ADMIN; without it, a zero-length UDP datagram to the discard
// port makes the kernel resolve the next hop the ordinary way.
void triggerResolution(NetlinkSocket& netlink, int interface_index,
                       const core::IpAddress& neighbour) {
  ndmsg request{};
  request.ndm_family = static_cast<std::uint8_t>(familyOf(neighbour));
  request.ndm_ifindex = interface_index;
  request.ndm_state = NUD_NONE;
  request.ndm_flags = NTF_USE;
  auto message = startMessage(RTM_NEWNEIGH, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, request);
  const auto bytes = addressBytes(neighbour);
  appendAttribute(message, NDA_DST, bytes.data(), bytes.size());
  if (netlink.request(message, [](const nlmsghdr&) {}) == 0) return;
  core::UniqueFd udp(::socket(familyOf(neighbour), SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!udp.valid()) return;
  const SocketAddress address = toSocketAddress(neighbour, 9);
  ::sendto(udp.get(), "", 0, 0, address.get(), address.length);
}

std::optional<Interface> interfaceFromName(const std::string& name, int index) {
  core::UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid() || name.size() >= IFNAMSIZ) return std::nullopt;
  ifreq request{};
  std::memcpy(request.ifr_name, name.c_str(), name.size() + 1);
  if (::ioctl(fd.get(), SIOCGIFHWADDR, &request) != 0) return std::nullopt;
  Interface result;
  result.index = index;
  result.name = name;
  result.loopback = request.ifr_hwaddr.sa_family == ARPHRD_LOOPBACK;
  if (request.ifr_hwaddr.sa_family != ARPHRD_ETHER && !result.loopback) return std::nullopt;
  std::memcpy(result.mac.data(), request.ifr_hwaddr.sa_data, 6);
  return result;
}

}  // namespace

std::optional<Route> NetlinkRouteSource::lookupRoute(const core::IpAddress& target,
                                                     std::string& why) {
  NetlinkSocket netlink;
  rtmsg request{};
  request.rtm_family = static_cast<std::uint8_t>(familyOf(target));
  request.rtm_dst_len = target.isV4() ? 32 : 128;
  auto message = startMessage(RTM_GETROUTE, NLM_F_REQUEST, request);
  const auto bytes = addressBytes(target);
  appendAttribute(message, RTA_DST, bytes.data(), bytes.size());
  std::optional<Route> route;
  const int error = netlink.request(message, [&](const nlmsghdr& header) {
    if (header.nlmsg_type != RTM_NEWROUTE) return;
    const auto* answer = static_cast<const rtmsg*>(NLMSG_DATA(&header));
    Route found;
    found.local = answer->rtm_type == RTN_LOCAL;
    int left = static_cast<int>(header.nlmsg_len - NLMSG_LENGTH(sizeof(rtmsg)));
    for (const auto* a = RTM_RTA(answer); RTA_OK(a, left); a = RTA_NEXT(a, left)) {
      if (a->rta_type == RTA_OIF) std::memcpy(&found.interface_index, RTA_DATA(a), sizeof(int));
      if (a->rta_type == RTA_PREFSRC) {
        if (auto source = addressFrom(a, answer->rtm_family)) found.source = *source;
      }
      if (a->rta_type == RTA_GATEWAY) found.gateway = addressFrom(a, answer->rtm_family);
    }
    route = found;
  });
  if (error != 0) {
    why = std::generic_category().message(-error);  // strerror is not thread-safe
    return std::nullopt;
  }
  if (!route || route->interface_index == 0) {
    why = "the kernel returned no outgoing interface";
    return std::nullopt;
  }
  // A local target is its own preferred source when the kernel names none.
  if (route->local && route->source == core::IpAddress() && target.isV4()) route->source = target;
  if (route->local && target.isV6() && route->source.isV4()) route->source = target;
  return route;
}

std::optional<Interface> NetlinkRouteSource::lookupInterface(int index) {
  char name[IF_NAMESIZE] = {};
  if (::if_indextoname(static_cast<unsigned>(index), name) == nullptr) return std::nullopt;
  return interfaceFromName(name, index);
}

std::optional<Interface> NetlinkRouteSource::lookupInterface(const std::string& name) {
  const unsigned index = ::if_nametoindex(name.c_str());
  if (index == 0) return std::nullopt;
  return interfaceFromName(name, static_cast<int>(index));
}

std::optional<MacAddress> NetlinkRouteSource::resolveNeighbour(int interface_index,
                                                               const core::IpAddress& neighbour,
                                                               std::chrono::milliseconds timeout) {
  NetlinkSocket netlink;
  if (auto mac = findNeighbour(netlink, interface_index, neighbour)) return mac;
  triggerResolution(netlink, interface_index, neighbour);
  const auto deadline = clock_.now() + timeout;
  while (clock_.now() < deadline) {
    clock_.sleepFor(std::chrono::milliseconds(5));
    if (auto mac = findNeighbour(netlink, interface_index, neighbour)) return mac;
  }
  return std::nullopt;
}

}  // namespace portlens::net
