// nmap's "ignored states" rule, shared by the formats that mimic nmap (text, grep, xml):
// which of a host's ports are listed one by one and which are summarised as
// "Not shown: 997 closed tcp ports (conn-refused)" / <extraports>.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "output/formatter.h"
#include "scan/records.h"

namespace portlens::output {

// nmap lists at most this many ports of one non-open state before summarising them.
inline constexpr std::uint64_t kMaxListedPerState = 25;

struct CollapsedState {
  scan::PortState state = scan::PortState::kClosed;
  std::uint64_t count = 0;
  scan::Reason reason = scan::Reason::kConnRefused;
};

// Smoothed RTT of a host, from the RTTs of its reported ports.
struct RttStats {
  std::chrono::nanoseconds srtt{0};
  std::chrono::nanoseconds rttvar{0};
};

struct HostView {
  std::vector<scan::PortRecord> listed;   // ascending port
  std::vector<CollapsedState> collapsed;  // most ports first, never a zero count
  std::optional<RttStats> rtt;            // nullopt when no port had an RTT
};

// A state is collapsed when it is not shown (its records never reach the formatter), or when
// the user did not pick the states and it has more than 25 ports — except open, which nmap
// never hides. Counts and reasons of collapsed states come from the HostRecord.
HostView buildHostView(const scan::HostRecord& host, std::vector<scan::PortRecord> ports,
                       const FormatOptions& options);

// The reason nmap gives for a host being up: its first open answer, else its first closed
// answer, else "user-set" (it was scanned without host discovery, like nmap -Pn).
std::string_view hostUpReason(const scan::HostRecord& host);

}  // namespace portlens::output
