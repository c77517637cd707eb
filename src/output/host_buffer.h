// Holds the port records of hosts whose HostRecord has not arrived yet. The per-host formats
// (text, grep, xml, json) print a host only once it is complete, because the engine
// interleaves the ports of many hosts and nmap's layouts group them, sorted, per host.
// Memory is bounded by the shown ports of the hosts in flight.
#pragma once

#include <chrono>
#include <map>
#include <vector>

#include "scan/records.h"

namespace portlens::output {

struct PendingHost {
  scan::HostRecord host;
  std::vector<scan::PortRecord> ports;  // ascending port
};

class HostBuffer {
 public:
  void add(const scan::PortRecord& record);

  // The buffered ports of `ip`, ascending, and forgets them. Empty when none arrived.
  std::vector<scan::PortRecord> take(const core::IpAddress& ip);

  // After an interrupt: the hosts that have ports but never got a HostRecord, ascending by
  // address, each with a HostRecord rebuilt from its ports (counts and reasons cover only
  // the ports that arrived). Leaves the buffer empty.
  std::vector<PendingHost> takeUnfinished(std::chrono::system_clock::time_point when);

 private:
  std::map<core::IpAddress, std::vector<scan::PortRecord>> ports_;
};

}  // namespace portlens::output
