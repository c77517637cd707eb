// How a SYN scan's frames reach the network and its replies come back. The raw
// implementation is raw_packet_io.h; tests use an in-memory network. send() is called only
// by the sending thread, receive() only by the receiving thread, concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>

#include "core/ip_address.h"

namespace portlens::scan::syn {

class PacketIo {
 public:
  virtual ~PacketIo() = default;

  // Sends whole Ethernet frames of one address family; returns how many were taken (fewer
  // when the kernel's queue is full: the caller retries the rest).
  virtual std::size_t send(core::Family family, std::span<const std::uint8_t* const> frames,
                           std::span<const std::size_t> lengths) = 0;
  // Waits up to `timeout` for frames and hands each to `visit`; returns how many.
  virtual std::size_t receive(std::chrono::milliseconds timeout,
                              const std::function<void(std::span<const std::uint8_t>)>& visit) = 0;
};

}  // namespace portlens::scan::syn
