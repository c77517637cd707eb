// PacketIo over AF_PACKET (net/packet_socket.h): frames go out of the interface the route of
// their family chose; replies come from a TPACKET_V3 ring filtered in the kernel down to TCP
// segments for our source ports and ICMP/ICMPv6. Opening it needs CAP_NET_RAW; nothing
// after that does, so privileges can be dropped right after construction.
#pragma once

#include <memory>

#include "net/packet_socket.h"
#include "scan/syn/packet_io.h"

namespace portlens::scan::syn {

class RawPacketIo : public PacketIo {
 public:
  // ipv4_interface / ipv6_interface: 0 when the scan has no targets of that family;
  // ipv4_loopback: the IPv4 targets are local (see net::RawIpv4Sender).
  // Throws std::system_error (EPERM without CAP_NET_RAW).
  RawPacketIo(int ipv4_interface, int ipv6_interface, bool ipv4_loopback,
              std::uint16_t first_source_port, std::uint16_t last_source_port);

  std::size_t send(core::Family family, std::span<const std::uint8_t* const> frames,
                   std::span<const std::size_t> lengths) override;
  std::size_t receive(std::chrono::milliseconds timeout,
                      const std::function<void(std::span<const std::uint8_t>)>& visit) override;

 private:
  int ipv4_interface_;
  int ipv6_interface_;
  net::PacketSender sender_;
  std::unique_ptr<net::RawIpv4Sender> loopback_ipv4_;
  std::unique_ptr<net::PacketReceiver> receiver_;
};

}  // namespace portlens::scan::syn
