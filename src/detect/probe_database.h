// The typed form of a probe file in the nmap-service-probes format (Probe, match, softmatch,
// ports, sslports, rarity, totalwaitms, tcpwrappedms, fallback, Exclude). Produced by
// parseProbeDatabase (probe_parser.h); read by the pattern set, the matcher and the planner.
// Plain data: immutable after parsing, safe to share between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "detect/version_template.h"

namespace portlens::detect {

enum class Protocol { kTcp, kUdp };

// Inclusive port ranges in file order (a probe names a handful; a 65536-bit set would cost
// 8 KiB per list).
struct PortRanges {
  std::vector<std::pair<std::uint16_t, std::uint16_t>> ranges;
  bool contains(std::uint16_t port) const;
  bool empty() const { return ranges.empty(); }
};

// p/ v/ i/ h/ o/ d/ and cpe:/.../ templates of a match line; absent fields are empty.
struct VersionInfo {
  VersionTemplate product, version, info, hostname, ostype, devicetype;
  std::vector<VersionTemplate> cpes;
};

struct MatchRule {
  bool soft = false;
  std::string service;
  std::string pattern;  // the regular expression text between the delimiters, unchanged
  bool caseless = false;
  bool dotall = false;
  VersionInfo version_info;
  int line = 0;  // 1-based line in the probe file, for diagnostics
};

inline constexpr int kDefaultTotalWaitMs = 5000;
inline constexpr int kDefaultTcpWrappedMs = 3000;
inline constexpr int kDefaultRarity = 5;  // a probe without a rarity line is fairly common

struct Probe {
  Protocol protocol = Protocol::kTcp;
  std::string name;
  std::string payload;  // bytes to send, escapes resolved (may hold NUL)
  bool no_payload = false;
  PortRanges ports;
  PortRanges ssl_ports;
  int rarity = kDefaultRarity;
  int total_wait_ms = kDefaultTotalWaitMs;
  int tcp_wrapped_ms = kDefaultTcpWrappedMs;
  std::vector<std::string> fallback_names;
  // Probes whose matches are tried, in order, after this probe's own: the fallback directive's
  // probes, then (TCP, not the NULL probe itself) the NULL probe. Resolved by the parser.
  std::vector<std::size_t> fallbacks;
  std::vector<MatchRule> matches;
  int line = 0;

  bool isNull() const { return payload.empty() && name == "NULL"; }
};

struct ProbeDatabase {
  std::string source_name;  // the file name errors were reported against
  PortRanges exclude_tcp;
  PortRanges exclude_udp;
  std::vector<Probe> probes;
  std::optional<std::size_t> null_probe;  // the TCP probe named NULL, when present

  std::optional<std::size_t> findProbe(std::string_view name, Protocol protocol) const;
  std::size_t matchCount() const;
};

}  // namespace portlens::detect
