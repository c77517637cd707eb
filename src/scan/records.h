// The structured records a scan produces. The engine emits them; formatters (output/), the
// store and the server turn them into text, JSON, XML or rows. No formatting happens here.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/ip_address.h"
#include "scan/service_info.h"

namespace portlens::scan {

// nmap's meaning: open = handshake completed; closed = the port answered with a reset;
// filtered = no answer after every retry, or an ICMP error said the path is blocked.
enum class PortState : std::uint8_t { kOpen, kClosed, kFiltered };
inline constexpr std::array<PortState, 3> kAllPortStates = {PortState::kOpen, PortState::kClosed,
                                                            PortState::kFiltered};

// Why a state was decided, in nmap's vocabulary (the `reason` attribute of nmap's XML).
enum class Reason : std::uint8_t {
  kSynAck,           // "syn-ack": handshake answered (connect scan: connect() succeeded)
  kConnRefused,      // "conn-refused": connect() got ECONNREFUSED from a TCP reset
  kReset,            // "reset": raw scan saw RST
  kNoResponse,       // "no-response": silence after every retry
  kHostUnreach,      // "host-unreach": ICMP destination unreachable, host unreachable
  kNetUnreach,       // "net-unreach"
  kPortUnreach,      // "port-unreach"
  kProtoUnreach,     // "proto-unreach"
  kAdminProhibited,  // "admin-prohibited": ICMP type 3 code 13 / ICMPv6 type 1 code 1
  kNetProhibited,    // "net-prohibited": ICMP code 9
  kHostProhibited,   // "host-prohibited": ICMP code 10
  kTimeExceeded,     // "time-exceeded"
  kLocalError,       // "error": the local stack refused (e.g. no route); detail in logs
};

std::string_view toString(PortState state);
std::string_view toString(Reason reason);
std::optional<PortState> parsePortState(std::string_view text);

// Sentinel for "no RTT measured" (e.g. no-response).
inline constexpr std::chrono::nanoseconds kNoRtt{-1};

struct PortRecord {
  core::IpAddress ip;
  std::uint16_t port = 0;
  PortState state = PortState::kFiltered;
  Reason reason = Reason::kNoResponse;
  std::chrono::nanoseconds rtt = kNoRtt;  // probe sent -> answer seen
  std::uint8_t attempts = 1;              // probes sent for this port
  std::uint8_t ttl = 0;                   // TTL / hop limit of the answer (raw scans); 0 = unknown
  // The name the user typed for this host ("" for numeric targets). Carried on every record
  // so streaming formats (ndjson, csv) can name the host before its HostRecord arrives.
  std::string hostname;
  // What service detection found (null when it did not run on this port). Shared and
  // immutable, so copying a record stays cheap.
  std::shared_ptr<const ServiceInfo> service;
};

struct StateCounts {
  std::uint64_t open = 0;
  std::uint64_t closed = 0;
  std::uint64_t filtered = 0;

  std::uint64_t& operator[](PortState s) {
    return s == PortState::kOpen ? open : s == PortState::kClosed ? closed : filtered;
  }
  std::uint64_t operator[](PortState s) const {
    return s == PortState::kOpen ? open : s == PortState::kClosed ? closed : filtered;
  }
  std::uint64_t total() const { return open + closed + filtered; }
  void addAll(const StateCounts& o) {
    open += o.open;
    closed += o.closed;
    filtered += o.filtered;
  }
};

// Emitted once per host when every port of that host has a final state.
struct HostRecord {
  core::IpAddress ip;
  std::string hostname;  // as the user typed it; "" for numeric targets
  StateCounts counts;    // over all scanned ports, shown or not
  // Most common reason per state, for "Not shown: 65000 closed ports (conn-refused)".
  std::array<Reason, 3> dominant_reason = {Reason::kSynAck, Reason::kConnRefused,
                                           Reason::kNoResponse};
  std::chrono::system_clock::time_point started;
  std::chrono::system_clock::time_point finished;
};

enum class ScanType : std::uint8_t { kConnect, kSyn };
std::string_view toString(ScanType type);  // "connect" / "syn"
// The exact spelling toString gives; nullopt for anything else.
std::optional<ScanType> parseScanType(std::string_view text);

// Emitted once before any other record.
struct ScanInfo {
  std::string command_line;  // argv joined with spaces, as the user typed it
  std::string version;       // Portlens version
  ScanType type = ScanType::kConnect;
  std::string ports_spec;  // the scanned ports as compact ranges ("1-1024,8080")
  std::uint64_t port_count = 0;
  std::uint64_t host_count = 0;
  bool service_detection = false;  // -sV: open ports carry ServiceInfo
  std::chrono::system_clock::time_point started;
};

// Emitted once at the end, also after an interrupt.
struct ScanSummary {
  StateCounts totals;
  std::uint64_t hosts_completed = 0;
  std::uint64_t probes_sent = 0;  // including retries
  double elapsed_seconds = 0;
  bool interrupted = false;  // Ctrl-C: the records so far are complete for finished hosts
  std::chrono::system_clock::time_point finished;
};

}  // namespace portlens::scan
