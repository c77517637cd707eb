#include "net/reply_parser.h"

#include <array>
#include <cstring>

#include "net/wire.h"

namespace portlens::net {
namespace {

using namespace wire;
constexpr std::size_t kEthernet = 14;

using Bytes = std::span<const std::uint8_t>;

core::IpAddress v4At(const std::uint8_t* p) { return core::IpAddress::fromV4(get32(p)); }
core::IpAddress v6At(const std::uint8_t* p) {
  std::array<std::uint8_t, 16> bytes{};
  std::memcpy(bytes.data(), p, bytes.size());
  return core::IpAddress::fromV6Bytes(bytes);
}

// An IP header: where its payload starts and what it carries.
struct IpView {
  core::IpAddress source;
  core::IpAddress destination;
  std::uint8_t protocol = 0;
  std::uint8_t ttl = 0;
  Bytes payload;
};

// `strict_length`: the packet must hold the whole payload its header announces. ICMP quotes
// are cut short on purpose, so they are parsed without it.
std::optional<IpView> parseIpv4(Bytes packet, bool strict_length) {
  if (packet.size() < 20 || (packet[0] >> 4) != 4) return std::nullopt;
  const std::size_t header = static_cast<std::size_t>(packet[0] & 0x0f) * 4;
  if (header < 20 || packet.size() < header) return std::nullopt;
  const std::size_t total = get16(packet.data() + 2);
  // Fragments other than the first carry no transport header.
  if ((get16(packet.data() + 6) & 0x1fff) != 0) return std::nullopt;
  std::size_t end = packet.size();
  if (strict_length) {
    if (total < header || total > packet.size()) return std::nullopt;
    end = total;  // Ethernet pads short frames; the IP length is the truth
  }
  return IpView{v4At(packet.data() + 12), v4At(packet.data() + 16), packet[9], packet[8],
                packet.subspan(header, end - header)};
}

std::optional<IpView> parseIpv6(Bytes packet, bool strict_length) {
  if (packet.size() < 40 || (packet[0] >> 4) != 6) return std::nullopt;
  const std::size_t payload = get16(packet.data() + 4);
  std::size_t end = packet.size();
  if (strict_length) {
    if (40 + payload > packet.size()) return std::nullopt;
    end = 40 + payload;
  }
  return IpView{v6At(packet.data() + 8), v6At(packet.data() + 24), packet[6], packet[7],
                packet.subspan(40, end - 40)};
}

std::optional<Reply> parseTcp(const IpView& ip) {
  const Bytes tcp = ip.payload;
  if (tcp.size() < 20) return std::nullopt;
  const std::size_t header = static_cast<std::size_t>(tcp[12] >> 4) * 4;
  if (header < 20 || header > tcp.size()) return std::nullopt;
  Reply reply;
  reply.kind = ReplyKind::kTcp;
  reply.remote = ip.source;
  reply.local = ip.destination;
  reply.remote_port = get16(tcp.data());
  reply.local_port = get16(tcp.data() + 2);
  reply.number = get32(tcp.data() + 8);
  reply.tcp_flags = tcp[13];
  reply.ttl = ip.ttl;
  return reply;
}

// The quoted probe inside an ICMP error: our IP header and at least 8 bytes of our TCP header
// (ports and sequence number).
std::optional<Reply> parseQuote(const IpView& outer, Bytes quote, bool v6) {
  auto inner = v6 ? parseIpv6(quote, false) : parseIpv4(quote, false);
  if (!inner || inner->protocol != kProtocolTcp || inner->payload.size() < 8) {
    return std::nullopt;
  }
  Reply reply;
  reply.kind = ReplyKind::kIcmpError;
  reply.local = inner->source;
  reply.remote = inner->destination;
  reply.local_port = get16(inner->payload.data());
  reply.remote_port = get16(inner->payload.data() + 2);
  reply.number = get32(inner->payload.data() + 4);
  reply.ttl = outer.ttl;
  reply.icmp_v6 = v6;
  reply.icmp_sender = outer.source;
  return reply;
}

std::optional<Reply> parseIcmp(const IpView& ip, bool v6) {
  const Bytes icmp = ip.payload;
  if (icmp.size() < 8) return std::nullopt;
  const std::uint8_t type = icmp[0];
  // Errors that quote a packet: v4 unreachable (3) and time exceeded (11); v6 unreachable
  // (1) and time exceeded (3).
  const bool error = v6 ? (type == 1 || type == 3) : (type == 3 || type == 11);
  if (!error) return std::nullopt;
  auto reply = parseQuote(ip, icmp.subspan(8), v6);
  if (!reply) return std::nullopt;
  reply->icmp_type = type;
  reply->icmp_code = icmp[1];
  return reply;
}

}  // namespace

std::optional<Reply> parseReply(std::span<const std::uint8_t> frame) {
  if (frame.size() < kEthernet) return std::nullopt;
  const std::uint16_t ether_type = get16(frame.data() + 12);
  const Bytes packet = frame.subspan(kEthernet);
  std::optional<IpView> ip;
  if (ether_type == kEtherTypeIpv4) ip = parseIpv4(packet, true);
  if (ether_type == kEtherTypeIpv6) ip = parseIpv6(packet, true);
  if (!ip) return std::nullopt;
  const bool v6 = ether_type == kEtherTypeIpv6;
  if (ip->protocol == kProtocolTcp) return parseTcp(*ip);
  if (ip->protocol == (v6 ? kProtocolIcmp6 : kProtocolIcmp)) return parseIcmp(*ip, v6);
  return std::nullopt;
}

}  // namespace portlens::net
