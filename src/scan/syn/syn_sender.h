// The sending half of a SYN scan (see syn_engine.h): runs on its own thread, walks the shard's
// positions round by round, paces, sends, waits one RTO after each round and decides whether
// another round is needed. Ends by setting ScanState::sender_done.
#pragma once

#include <atomic>

#include "scan/syn/packet_io.h"
#include "scan/syn/scan_state.h"

namespace portlens::scan::syn {

void runSender(ScanState& state, PacketIo& io, const std::atomic<bool>& stop,
               const ResumePoint* resume_from);

// Whether another retry round is worth its RTO, after `round` rounds: yes while the last
// round still brought answers, or while the loss rate measured so far predicts more than
// 1/1000 of an answering port still hidden. Pure.
bool needAnotherRound(unsigned round, unsigned max_rounds, std::uint64_t answers_last_round,
                      std::uint64_t answered_total, std::uint64_t answered_after_retry);

}  // namespace portlens::scan::syn
