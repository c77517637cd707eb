#include "scan/syn/raw_packet_io.h"

#include <fmt/core.h>

namespace portlens::scan::syn {

RawPacketIo::RawPacketIo(int ipv4_interface, int ipv6_interface, bool ipv4_loopback,
                         std::uint16_t first_source_port, std::uint16_t last_source_port)
    : ipv4_interface_(ipv4_interface), ipv6_interface_(ipv6_interface) {
  if (ipv4_loopback) loopback_ipv4_ = std::make_unique<net::RawIpv4Sender>();
  // One receive socket: bound to the scan's interface, or to all of them when the two
  // families leave through different interfaces.
  const int bound = ipv4_interface == 0                                       ? ipv6_interface
                    : ipv6_interface == 0 || ipv6_interface == ipv4_interface ? ipv4_interface
                                                                              : 0;
  const std::string filter = fmt::format("(tcp dst portrange {}-{}) or icmp or icmp6",
                                         first_source_port, last_source_port);
  receiver_ = std::make_unique<net::PacketReceiver>(bound, filter);
}

std::size_t RawPacketIo::send(core::Family family, std::span<const std::uint8_t* const> frames,
                              std::span<const std::size_t> lengths) {
  if (family == core::Family::kIpv4 && loopback_ipv4_) return loopback_ipv4_->send(frames, lengths);
  const int interface = family == core::Family::kIpv4 ? ipv4_interface_ : ipv6_interface_;
  return sender_.send(interface, frames, lengths);
}

std::size_t RawPacketIo::receive(std::chrono::milliseconds timeout,
                                 const std::function<void(std::span<const std::uint8_t>)>& visit) {
  return receiver_->poll(timeout, visit);
}

}  // namespace portlens::scan::syn
