#include "net/syn_frame.h"

#include <cstring>

#include "net/checksum.h"
#include "net/wire.h"

namespace portlens::net {
namespace {

using namespace wire;
constexpr std::uint8_t kTcpFlagSyn = 0x02;
// nmap's choice: a small window and a common MSS make the probe look like any client's SYN.
constexpr std::uint16_t kWindow = 1024;
constexpr std::uint16_t kMss = 1460;

void putAddress(std::uint8_t* p, const core::IpAddress& address) {
  if (address.isV4()) {
    put32(p, address.v4());
  } else {
    const auto bytes = address.v6Bytes();
    std::memcpy(p, bytes.data(), bytes.size());
  }
}

std::size_t writeIpv4(std::uint8_t* ip, const FrameOrigin& origin, const SynProbe& probe) {
  ip[0] = 0x45;  // version 4, 20-byte header
  ip[1] = 0;
  put16(ip + 2, static_cast<std::uint16_t>(20 + kSynTcpHeaderSize));
  put16(ip + 4, probe.ip_id);
  put16(ip + 6, 0);
  ip[8] = origin.ttl;
  ip[9] = kProtocolTcp;
  put16(ip + 10, 0);
  putAddress(ip + 12, origin.source);
  putAddress(ip + 16, probe.target);
  put16(ip + 10, checksumFinish(checksumAdd(0, ip, 20)));
  return 20;
}

std::size_t writeIpv6(std::uint8_t* ip, const FrameOrigin& origin, const SynProbe& probe) {
  put32(ip, 0x60000000);  // version 6, no traffic class, no flow label
  put16(ip + 4, static_cast<std::uint16_t>(kSynTcpHeaderSize));
  ip[6] = kProtocolTcp;
  ip[7] = origin.ttl;  // hop limit
  putAddress(ip + 8, origin.source);
  putAddress(ip + 24, probe.target);
  return 40;
}

void writeTcp(std::uint8_t* tcp, const FrameOrigin& origin, const SynProbe& probe) {
  put16(tcp, probe.source_port);
  put16(tcp + 2, probe.target_port);
  put32(tcp + 4, probe.sequence);
  put32(tcp + 8, 0);
  tcp[12] = static_cast<std::uint8_t>((kSynTcpHeaderSize / 4) << 4);
  tcp[13] = kTcpFlagSyn;
  put16(tcp + 14, kWindow);
  put16(tcp + 16, 0);  // checksum, below
  put16(tcp + 18, 0);  // urgent pointer
  tcp[20] = 2;         // MSS option: kind 2, length 4
  tcp[21] = 4;
  put16(tcp + 22, kMss);
  std::uint32_t sum = pseudoHeaderSum(origin.source, probe.target, kSynTcpHeaderSize);
  put16(tcp + 16, checksumFinish(checksumAdd(sum, tcp, kSynTcpHeaderSize)));
}

}  // namespace

std::size_t buildSynFrame(const FrameOrigin& origin, const SynProbe& probe,
                          std::span<std::uint8_t, kMaxSynFrameSize> out) {
  std::uint8_t* frame = out.data();
  std::memcpy(frame, origin.next_hop_mac.data(), 6);
  std::memcpy(frame + 6, origin.source_mac.data(), 6);
  const bool v4 = origin.source.isV4();
  put16(frame + 12, v4 ? kEtherTypeIpv4 : kEtherTypeIpv6);
  std::uint8_t* ip = frame + kEthernetHeaderSize;
  const std::size_t ip_size = v4 ? writeIpv4(ip, origin, probe) : writeIpv6(ip, origin, probe);
  writeTcp(ip + ip_size, origin, probe);
  return kEthernetHeaderSize + ip_size + kSynTcpHeaderSize;
}

}  // namespace portlens::net
