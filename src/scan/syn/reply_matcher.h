// Decides what a received frame means for a SYN scan: which probe it answers (host and port
// index), whether its cookie is right, the state and reason it gives, and from which round's
// source port it came. Pure apart from reading the shared plan; used by the receiving thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "net/reply_parser.h"
#include "scan/records.h"
#include "scan/syn/scan_state.h"

namespace portlens::scan::syn {

struct MatchedReply {
  std::uint64_t flat = 0;  // host_index * port_count + port_index
  core::IpAddress target;
  std::uint16_t port = 0;
  PortState state = PortState::kFiltered;
  Reason reason = Reason::kNoResponse;
  unsigned round = 1;
  std::uint8_t ttl = 0;
};

class ReplyMatcher {
 public:
  explicit ReplyMatcher(const ScanState& state);

  // nullopt for anything that is not a valid answer to one of this scan's probes.
  std::optional<MatchedReply> match(std::span<const std::uint8_t> frame) const;

 private:
  std::optional<unsigned> roundOf(std::uint16_t local_port) const;

  const ScanState& state_;
  std::vector<std::int32_t> port_index_;  // port -> index in the PortSet, -1 when not scanned
};

}  // namespace portlens::scan::syn
