#include "syn_fake_network.h"

#include <cstring>

#include "net/reply_parser.h"

namespace portlens::scan::syn::testing {
namespace {

void put16(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
  put16(p, v >> 16);
  put16(p + 2, v & 0xffff);
}
std::uint32_t get32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}

}  // namespace

FakeNetwork::FakeNetwork(portlens::testing::ManualClock& clock,
                         std::function<Answer(const core::IpAddress&, std::uint16_t)> answer,
                         double loss_percent, std::uint32_t seed)
    : clock_(clock), answer_(std::move(answer)), loss_percent_(loss_percent), random_(seed) {
  clock_.setBeforeAdvance([this] { waitUntilRead(); });
}

FakeNetwork::~FakeNetwork() { clock_.setBeforeAdvance(nullptr); }

void FakeNetwork::waitUntilRead() {
  std::unique_lock lock(mutex_);
  // The bound only keeps a broken engine (a receiver that stopped reading) from hanging the
  // test run; a healthy one drains in microseconds.
  changed_.wait_for(lock, std::chrono::seconds(10),
                    [this] { return queue_.empty() && in_hand_ == 0; });
}

std::size_t FakeNetwork::send(core::Family, std::span<const std::uint8_t* const> frames,
                              std::span<const std::size_t> lengths) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    std::vector<std::uint8_t> syn(frames[i], frames[i] + lengths[i]);
    const auto parsed = net::parseReply(syn);  // our SYN: "local" is its destination
    if (!parsed) continue;
    ++sent_;
    send_times_.push_back(clock_.elapsed());
    send_order_.emplace_back(parsed->local.toString(), parsed->local_port);
    ++probes_[{parsed->local.toString(), parsed->local_port}];
    if (stop_flag_ != nullptr && sent_ >= stop_after_) stop_flag_->store(true);
    if (std::uniform_real_distribution<double>(0, 100)(random_) < loss_percent_) continue;
    const Answer answer = answer_(parsed->local, parsed->local_port);
    if (answer == Answer::kSilent) continue;
    if (forge_) queue_.push_back(replyTo(syn, answer, 7));
    queue_.push_back(replyTo(syn, answer, 1));
    if (duplicate_) {
      std::vector<std::uint8_t> copy = queue_.back();
      queue_.push_back(std::move(copy));
    }
  }
  changed_.notify_all();
  return frames.size();
}

std::size_t FakeNetwork::receive(std::chrono::milliseconds timeout,
                                 const std::function<void(std::span<const std::uint8_t>)>& visit) {
  std::deque<std::vector<std::uint8_t>> ready;
  {
    // A real wait for the sender thread, not time passing: the manual clock does not move.
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock,
                      std::min<std::chrono::milliseconds>(timeout, std::chrono::milliseconds(1)),
                      [this] { return !queue_.empty(); });
    ready.swap(queue_);
    in_hand_ = ready.size();
  }
  for (const auto& frame : ready) visit(frame);
  {
    std::lock_guard lock(mutex_);
    in_hand_ = 0;
  }
  changed_.notify_all();
  return ready.size();
}

std::vector<std::chrono::nanoseconds> FakeNetwork::sendTimes() const {
  std::lock_guard lock(mutex_);
  return send_times_;
}

std::vector<std::pair<std::string, std::uint16_t>> FakeNetwork::sendOrder() const {
  std::lock_guard lock(mutex_);
  return send_order_;
}

std::uint64_t FakeNetwork::synsSent() const {
  std::lock_guard lock(mutex_);
  return sent_;
}

std::map<std::pair<std::string, std::uint16_t>, int> FakeNetwork::probesPerTarget() const {
  std::lock_guard lock(mutex_);
  return probes_;
}

// Builds the answer a host would give: addresses and ports swapped, ack = seq + ack_delta
// (1 is right; anything else is a forgery), or an ICMP error quoting the SYN.
std::vector<std::uint8_t> FakeNetwork::replyTo(const std::vector<std::uint8_t>& syn, Answer answer,
                                               std::uint32_t ack_delta) const {
  const bool v4 = syn[12] == 0x08;
  const std::size_t ip_size = v4 ? 20 : 40;
  const std::size_t address_offset = v4 ? 12 : 8;
  const std::size_t address_size = v4 ? 4 : 16;
  if (answer == Answer::kIcmp) {
    std::vector<std::uint8_t> frame(14 + ip_size + 8);
    std::memcpy(frame.data(), syn.data(), 14);
    std::memcpy(frame.data() + 14, syn.data() + 14, ip_size);
    std::uint8_t* ip = frame.data() + 14;
    std::memcpy(ip + address_offset, syn.data() + 14 + address_offset + address_size, address_size);
    std::memcpy(ip + address_offset + address_size, syn.data() + 14 + address_offset, address_size);
    if (v4) {
      ip[9] = 1;
    } else {
      ip[6] = 58;
    }
    std::uint8_t* icmp = ip + ip_size;
    icmp[0] = v4 ? 3 : 1;
    icmp[1] = v4 ? 13 : 1;
    frame.insert(frame.end(), syn.begin() + 14, syn.begin() + 14 + ip_size + 8);
    ip = frame.data() + 14;  // the insert may have moved the buffer
    const std::size_t payload = frame.size() - 14 - ip_size;
    if (v4) {
      put16(ip + 2, static_cast<std::uint32_t>(ip_size + payload));
    } else {
      put16(ip + 4, static_cast<std::uint32_t>(payload));
    }
    return frame;
  }
  std::vector<std::uint8_t> frame(syn.begin(), syn.begin() + 14 + ip_size + 20);
  std::uint8_t* ip = frame.data() + 14;
  std::memcpy(ip + address_offset, syn.data() + 14 + address_offset + address_size, address_size);
  std::memcpy(ip + address_offset + address_size, syn.data() + 14 + address_offset, address_size);
  if (v4) {
    put16(ip + 2, static_cast<std::uint32_t>(ip_size + 20));
  } else {
    put16(ip + 4, 20);
  }
  const std::uint8_t* syn_tcp = syn.data() + 14 + ip_size;
  std::uint8_t* tcp = ip + ip_size;
  std::memcpy(tcp, syn_tcp + 2, 2);
  std::memcpy(tcp + 2, syn_tcp, 2);
  put32(tcp + 4, 0x1000);
  put32(tcp + 8, get32(syn_tcp + 4) + ack_delta);
  tcp[12] = 0x50;
  tcp[13] = answer == Answer::kOpen ? 0x12 : 0x14;  // SYN|ACK or RST|ACK
  return frame;
}

}  // namespace portlens::scan::syn::testing
