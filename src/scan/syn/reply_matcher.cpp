#include "scan/syn/reply_matcher.h"

#include "scan/transports/icmp_reason.h"

namespace portlens::scan::syn {

ReplyMatcher::ReplyMatcher(const ScanState& state) : state_(state), port_index_(65536, -1) {
  for (std::size_t i = 0; i < state.ports.size(); ++i) {
    port_index_[state.ports[i]] = static_cast<std::int32_t>(i);
  }
}

std::optional<unsigned> ReplyMatcher::roundOf(std::uint16_t local_port) const {
  if (state_.plan.fixed_source_port) {
    if (local_port != state_.plan.source_port) return std::nullopt;
    return state_.round.load(std::memory_order_relaxed);
  }
  const int offset = int(local_port) - int(state_.plan.source_port);
  if (offset < 0 || offset >= int(kMaxRounds)) return std::nullopt;
  return static_cast<unsigned>(offset) + 1;
}

std::optional<MatchedReply> ReplyMatcher::match(std::span<const std::uint8_t> frame) const {
  const auto reply = net::parseReply(frame);
  if (!reply) return std::nullopt;
  const auto& origin = reply->local.isV4() ? state_.plan.ipv4 : state_.plan.ipv6;
  if (!origin || reply->local != origin->source) return std::nullopt;
  const auto round = roundOf(reply->local_port);
  if (!round) return std::nullopt;
  const std::int32_t port_index = port_index_[reply->remote_port];
  if (port_index < 0) return std::nullopt;
  const auto host_index = state_.targets.indexOf(reply->remote);
  if (!host_index) return std::nullopt;
  const std::uint32_t cookie =
      state_.cookies.cookie(reply->local, reply->remote, reply->local_port, reply->remote_port);
  MatchedReply matched;
  if (reply->kind == net::ReplyKind::kTcp) {
    // Both answers to a SYN acknowledge it: ack = our sequence number + 1.
    if ((reply->tcp_flags & net::kTcpAck) == 0 || reply->number != cookie + 1) return std::nullopt;
    if ((reply->tcp_flags & net::kTcpRst) != 0) {
      matched.state = PortState::kClosed;
      matched.reason = Reason::kReset;
    } else if ((reply->tcp_flags & net::kTcpSyn) != 0) {
      matched.state = PortState::kOpen;
      matched.reason = Reason::kSynAck;
    } else {
      return std::nullopt;
    }
  } else {
    if (reply->number != cookie) return std::nullopt;  // the quote carries our sequence number
    const StateAndReason meaning = reply->icmp_v6 ? fromIcmp6(reply->icmp_type, reply->icmp_code)
                                                  : fromIcmp4(reply->icmp_type, reply->icmp_code);
    matched.state = meaning.state;
    matched.reason = meaning.reason;
  }
  matched.flat = *host_index * state_.ports.size() + static_cast<std::uint64_t>(port_index);
  matched.target = reply->remote;
  matched.port = reply->remote_port;
  matched.round = *round;
  matched.ttl = reply->ttl;
  return matched;
}

}  // namespace portlens::scan::syn
