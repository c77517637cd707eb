// What the sending and the receiving thread of a SYN scan share. Everything written by one
// thread and read by the other is atomic; nothing on the hot path takes a lock. Both threads
// read the time from `clock` (thread-safe).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/clock.h"
#include "core/port_set.h"
#include "core/target_set.h"
#include "scan/cookie.h"
#include "scan/scan_config.h"
#include "scan/syn/probe_states.h"
#include "scan/syn/rate_controller.h"
#include "scan/syn/send_log.h"
#include "scan/syn/syn_engine.h"
#include "scan/target_space.h"

namespace portlens::scan::syn {

struct ScanState {
  ScanState(const ScanConfig& config_in, const SynPlan& plan_in, const core::TargetSet& targets_in,
            const core::PortSet& ports_in, core::Clock& clock_in)
      : config(config_in),
        plan(plan_in),
        targets(targets_in),
        ports(ports_in.ports()),
        space(targets_in, ports_in, config_in.seed),
        shard_size(plan_in.shard.size(space.size())),
        states(space.size()),
        send_log(shard_size),
        cookies(plan_in.secret),
        controller(RateController::Settings{}),
        clock(clock_in),
        started(clock_in.now()),
        wall_started(clock_in.wallNow()) {}

  std::chrono::nanoseconds sinceStart() const { return clock.now() - started; }
  std::uint16_t sourcePort(unsigned in_round) const {
    return plan.fixed_source_port ? plan.source_port
                                  : static_cast<std::uint16_t>(plan.source_port + in_round - 1);
  }

  const ScanConfig& config;
  const SynPlan& plan;
  const core::TargetSet& targets;
  const std::vector<std::uint16_t>& ports;
  TargetSpace space;
  std::uint64_t shard_size;
  ProbeStates states;
  SendLog send_log;
  CookieJar cookies;
  RateController controller;  // adaptive mode only (config.rate == 0)
  core::Clock& clock;
  core::Clock::SteadyTime started;
  core::Clock::WallTime wall_started;

  // Sender -> receiver.
  std::atomic<unsigned> round{1};
  std::atomic<std::uint64_t> next_ordinal{0};
  std::atomic<std::uint64_t> probes_sent{0};
  std::atomic<bool> sender_done{false};
  std::atomic<std::uint64_t> first_round_probes{0};  // sent in round 1, and how long it took
  std::atomic<std::int64_t> first_round_ns{0};
  std::atomic<bool> interrupted{false};
  std::atomic<bool> abort{false};  // the receiving thread failed: the sender must end too
  // Receiver -> sender.
  std::atomic<std::int64_t> rto_ns{0};  // 0 until the first RTT sample
  std::array<std::atomic<std::uint64_t>, kMaxRounds + 1> answers_by_round{};
};

}  // namespace portlens::scan::syn
