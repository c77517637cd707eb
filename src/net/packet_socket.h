// The raw path of a SYN scan, over AF_PACKET (needs CAP_NET_RAW to open; nothing after).
//
// PacketSender: one unbound SOCK_RAW socket with PACKET_QDISC_BYPASS; whole Ethernet frames
// go out in batches with sendmmsg, each addressed to its interface. Used by one thread.
//
// PacketReceiver: a SOCK_RAW socket with a TPACKET_V3 receive ring (the kernel fills blocks
// of frames in shared memory; no copy, no system call per frame) and a classic BPF filter
// compiled by libpcap (loaded on demand, net/bpf_compiler), so only candidate replies reach user
// space. Frames the machine itself sent (PACKET_OUTGOING) are skipped. Used by one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/unique_fd.h"
#include "net/syn_frame.h"

namespace portlens::net {

class PacketSender {
 public:
  // Throws std::system_error (EPERM without CAP_NET_RAW).
  PacketSender();

  // Sends frames[i] (lengths[i] bytes) out of `interface_index`; returns how many the kernel
  // took (it may take fewer when its queue is full; the caller resends the rest).
  std::size_t send(int interface_index, std::span<const std::uint8_t* const> frames,
                   std::span<const std::size_t> lengths);

 private:
  core::UniqueFd fd_;
};

// IPv4 packets to 127.0.0.0/8 cannot be injected below IP: a frame arriving on `lo` with a
// loopback destination is a martian to the kernel's input routing. They go out through an
// IPPROTO_RAW socket instead (IP header included, routed by the kernel's output path), and
// their replies still arrive on `lo`, where the PacketReceiver sees them.
class RawIpv4Sender {
 public:
  RawIpv4Sender();  // throws std::system_error (EPERM without CAP_NET_RAW)
  // Sends Ethernet frames without their 14-byte link header, each to its IPv4 destination.
  std::size_t send(std::span<const std::uint8_t* const> frames,
                   std::span<const std::size_t> lengths);

 private:
  core::UniqueFd fd_;
};

class PacketReceiver {
 public:
  // interface_index 0 receives from every interface. Throws std::system_error,
  // std::invalid_argument (a filter libpcap rejects) or std::runtime_error (no libpcap).
  PacketReceiver(int interface_index, const std::string& bpf_filter);
  ~PacketReceiver();
  PacketReceiver(const PacketReceiver&) = delete;
  PacketReceiver& operator=(const PacketReceiver&) = delete;

  // Waits up to `timeout` for a block of frames and hands each to `visit`. Returns the number
  // of frames visited.
  std::size_t poll(std::chrono::milliseconds timeout,
                   const std::function<void(std::span<const std::uint8_t>)>& visit);

 private:
  core::UniqueFd fd_;
  std::uint8_t* ring_ = nullptr;
  std::size_t ring_size_ = 0;
  std::uint32_t block_size_ = 0;
  std::uint32_t block_count_ = 0;
  std::uint32_t next_block_ = 0;
};

}  // namespace portlens::net
