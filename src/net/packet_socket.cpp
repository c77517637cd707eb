#include "net/packet_socket.h"

#include "net/bpf_compiler.h"

// The kernel's netlink and packet-ring macros (NLMSG_*, RTA_*, TPACKET_ALIGN) are C and use
// C casts; only this file sees them.
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wcast-align"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace portlens::net {
namespace {

[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// The program comes from libpcap (loaded only now, see net/bpf_compiler.h).
void attachFilter(int fd, const std::string& expression) {
  std::vector<sock_filter> instructions = compileBpf(expression);
  sock_fprog kernel_program{};
  kernel_program.len = static_cast<unsigned short>(instructions.size());
  kernel_program.filter = instructions.data();
  if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &kernel_program, sizeof kernel_program) != 0) {
    fail("SO_ATTACH_FILTER");
  }
}

// Sends frames in sendmmsg batches. `address(i, storage)` fills message i's destination and
// returns its length; `skip` bytes are cut from the front of every frame. Returns how many the
// kernel took (fewer when its queue is full).
template <typename Address>
std::size_t sendInBatches(int fd, std::span<const std::uint8_t* const> frames,
                          std::span<const std::size_t> lengths, std::size_t skip,
                          const Address& address, const char* what) {
  constexpr std::size_t kMaxBatch = 256;
  std::size_t sent_total = 0;
  while (sent_total < frames.size()) {
    const std::size_t batch = std::min(kMaxBatch, frames.size() - sent_total);
    iovec vectors[kMaxBatch];
    sockaddr_storage targets[kMaxBatch];
    mmsghdr messages[kMaxBatch];
    for (std::size_t i = 0; i < batch; ++i) {
      const std::uint8_t* frame = frames[sent_total + i];
      vectors[i].iov_base = const_cast<std::uint8_t*>(frame + skip);
      vectors[i].iov_len = lengths[sent_total + i] - skip;
      messages[i] = {};
      messages[i].msg_hdr.msg_name = &targets[i];
      messages[i].msg_hdr.msg_namelen = address(frame, targets[i]);
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    const int sent = ::sendmmsg(fd, messages, static_cast<unsigned>(batch), 0);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOBUFS || errno == EAGAIN) return sent_total;
      fail(what);
    }
    sent_total += static_cast<std::size_t>(sent);
    if (static_cast<std::size_t>(sent) < batch) return sent_total;
  }
  return sent_total;
}

}  // namespace

PacketSender::PacketSender() : fd_(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0)) {
  if (!fd_.valid()) fail("AF_PACKET socket for sending");
  // Frames go straight to the driver: no queueing discipline, and our own receive socket
  // does not see them as outgoing copies.
  int one = 1;
  ::setsockopt(fd_.get(), SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
  int buffer = 4 << 20;
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
}

std::size_t PacketSender::send(int interface_index, std::span<const std::uint8_t* const> frames,
                               std::span<const std::size_t> lengths) {
  auto address = [interface_index](const std::uint8_t*, sockaddr_storage& storage) {
    auto* link = reinterpret_cast<sockaddr_ll*>(&storage);
    *link = {};
    link->sll_family = AF_PACKET;
    link->sll_ifindex = interface_index;
    link->sll_halen = ETH_ALEN;
    return static_cast<socklen_t>(sizeof(sockaddr_ll));
  };
  return sendInBatches(fd_.get(), frames, lengths, 0, address, "sendmmsg on AF_PACKET");
}

RawIpv4Sender::RawIpv4Sender() : fd_(::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW)) {
  if (!fd_.valid()) fail("raw IPv4 socket for loopback");
}

std::size_t RawIpv4Sender::send(std::span<const std::uint8_t* const> frames,
                                std::span<const std::size_t> lengths) {
  auto address = [](const std::uint8_t* frame, sockaddr_storage& storage) {
    auto* target = reinterpret_cast<sockaddr_in*>(&storage);
    *target = {};
    target->sin_family = AF_INET;
    // The header's own destination (IPv4 header offset 16).
    std::memcpy(&target->sin_addr, frame + kEthernetHeaderSize + 16, 4);
    return static_cast<socklen_t>(sizeof(sockaddr_in));
  };
  return sendInBatches(fd_.get(), frames, lengths, kEthernetHeaderSize, address,
                       "sendmmsg on the raw IPv4 socket");
}

PacketReceiver::PacketReceiver(int interface_index, const std::string& bpf_filter)
    : fd_(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0)) {
  if (!fd_.valid()) fail("AF_PACKET socket for receiving");
  // The filter goes on before the socket is bound, so no unfiltered frame is ever queued.
  attachFilter(fd_.get(), bpf_filter);
  int version = TPACKET_V3;
  if (::setsockopt(fd_.get(), SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0) {
    fail("PACKET_VERSION");
  }
  // 32 blocks of 128 KiB: 4 MiB holds ~25k replies (~150 bytes each with the ring's
  // headers), over 100 ms of a fast scan's answers; a block is handed over after at most
  // 1 ms even when it is not full. (16 MiB measured no faster and cost 12 MiB of RSS.)
  block_size_ = 128 * 1024;
  block_count_ = 32;
  tpacket_req3 request{};
  request.tp_block_size = block_size_;
  request.tp_block_nr = block_count_;
  request.tp_frame_size = 2048;
  request.tp_frame_nr = block_size_ / request.tp_frame_size * block_count_;
  request.tp_retire_blk_tov = 1;
  if (::setsockopt(fd_.get(), SOL_PACKET, PACKET_RX_RING, &request, sizeof request) != 0) {
    fail("PACKET_RX_RING");
  }
  ring_size_ = static_cast<std::size_t>(block_size_) * block_count_;
  void* ring = ::mmap(nullptr, ring_size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), 0);
  if (ring == MAP_FAILED) fail("mmap of the receive ring");
  ring_ = static_cast<std::uint8_t*>(ring);
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_ALL);
  address.sll_ifindex = interface_index;
  if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    fail("bind of the receive socket");
  }
}

PacketReceiver::~PacketReceiver() {
  if (ring_ != nullptr) ::munmap(ring_, ring_size_);
}

std::size_t PacketReceiver::poll(std::chrono::milliseconds timeout,
                                 const std::function<void(std::span<const std::uint8_t>)>& visit) {
  std::size_t visited = 0;
  // A bounded number of blocks per call, so a flood of replies never starves the caller.
  for (int blocks = 0; blocks < 16; ++blocks) {
    auto* block = reinterpret_cast<tpacket_block_desc*>(
        ring_ + static_cast<std::size_t>(next_block_) * block_size_);
    if ((__atomic_load_n(&block->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) == 0) {
      if (visited > 0) return visited;
      pollfd waiter{fd_.get(), POLLIN | POLLERR, 0};
      const int ready = ::poll(&waiter, 1, static_cast<int>(timeout.count()));
      if (ready <= 0) return 0;
      if ((__atomic_load_n(&block->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) == 0) {
        return 0;
      }
    }
    const std::uint32_t count = block->hdr.bh1.num_pkts;
    auto* frame = reinterpret_cast<tpacket3_hdr*>(reinterpret_cast<std::uint8_t*>(block) +
                                                  block->hdr.bh1.offset_to_first_pkt);
    for (std::uint32_t i = 0; i < count; ++i) {
      const auto* link = reinterpret_cast<const sockaddr_ll*>(
          reinterpret_cast<const std::uint8_t*>(frame) + TPACKET_ALIGN(sizeof(tpacket3_hdr)));
      if (link->sll_pkttype != PACKET_OUTGOING) {
        visit({reinterpret_cast<const std::uint8_t*>(frame) + frame->tp_mac, frame->tp_snaplen});
        ++visited;
      }
      frame = reinterpret_cast<tpacket3_hdr*>(reinterpret_cast<std::uint8_t*>(frame) +
                                              frame->tp_next_offset);
    }
    __atomic_store_n(&block->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    next_block_ = (next_block_ + 1) % block_count_;
  }
  return visited;
}

}  // namespace portlens::net
