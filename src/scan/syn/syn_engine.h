// The stateless SYN scan. One sending thread walks the seeded permutation of the (host x
// port) space (this shard's positions only), paces itself, and puts out SYNs whose sequence
// number is the probe's cookie; the calling thread receives replies, keeps those whose
// acknowledgement matches the cookie, settles each probe once (duplicates are dropped) and
// emits its record at once. Nothing is stored per probe beyond two state bits and one bit of
// send time. After each round the sender waits one RTO and sends the still-silent probes
// again, for as many rounds as the measured loss rate needs (at most 1 + max_retries); what
// stays silent is filtered (no-response).
//
// Every time either thread reads or waits for comes from `clock`.
//
// Observer calls happen on the calling thread. `stop` (set by a signal thread) ends the scan
// early: the records so far are emitted and the resume point says where to continue.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/port_set.h"
#include "core/target_set.h"
#include "net/syn_frame.h"
#include "scan/records.h"
#include "scan/scan_config.h"
#include "scan/shard.h"
#include "scan/siphash.h"
#include "scan/syn/packet_io.h"

namespace portlens::scan::syn {

// Rounds are told apart by the source port (base + round - 1), so at most this many.
inline constexpr unsigned kMaxRounds = 16;

// Everything the CLI resolved before the scan: per-family frame origins (route, MACs), the
// source port, the shard and the cookie secret.
struct SynPlan {
  std::optional<net::FrameOrigin> ipv4;  // required when the targets hold IPv4 addresses
  std::optional<net::FrameOrigin> ipv6;
  std::uint16_t source_port = 0;   // base port; rounds use base .. base+15
  bool fixed_source_port = false;  // --source-port: every round uses exactly this port
  Shard shard;
  SipKey secret{};
};

// Where a scan stopped: resuming from here probes every position not yet probed, and retries
// what was probed but not answered, exactly as if the scan had not been interrupted.
struct ResumePoint {
  unsigned round = 1;
  std::uint64_t next_ordinal = 0;     // first position (of this shard) not sent in `round`
  std::vector<std::uint64_t> states;  // ProbeStates words
};

struct SynResult {
  ScanSummary summary;
  ResumePoint resume;  // meaningful when summary.interrupted
  unsigned rounds = 0;
  std::uint64_t duplicates = 0;
  double final_rate = 0;        // probes/s the controller ended at (or --rate)
  double first_round_rate = 0;  // probes/s actually sent during the first round
};

// Throws std::invalid_argument when the plan lacks an origin for a family the targets hold.
SynResult runSynScan(const ScanConfig& config, const SynPlan& plan, const core::TargetSet& targets,
                     const core::PortSet& ports, PacketIo& io, core::Clock& clock,
                     ScanObserver& observer, const std::atomic<bool>& stop,
                     const ResumePoint* resume_from = nullptr);

}  // namespace portlens::scan::syn
