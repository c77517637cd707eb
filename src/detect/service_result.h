// What detection concluded about one open port: the record the scanner attaches to the port
// (formatted by output/, stored by store/). Plain data. Text fields come from version
// templates (bounded, printable ASCII); `banner` holds raw peer bytes, which every formatter
// must escape.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "detect/probe_plan.h"

namespace portlens::detect {

inline constexpr std::size_t kMaxBannerBytes = 1024;

struct ServiceResult {
  bool identified = false;        // a probe's answer matched (hard or soft)
  bool soft = false;              // only a soft match: the service is known, its version is not
  bool tcpwrapped = false;        // the peer closed before sending anything (nmap's tcpwrapped)
  bool excluded = false;          // the probe file's Exclude names the port: nothing was sent
  std::string service;            // nmap's name ("http", "ssh", ...); empty when unknown
  Tunnel tunnel = Tunnel::kNone;  // kSsl: found inside TLS ("ssl/http")
  std::string product, version, info, hostname, ostype, devicetype;
  std::vector<std::string> cpes;
  std::string probe;   // the probe whose rule matched
  int conf = 0;        // nmap's confidence: 10 when identified by a probe, 0 otherwise
  std::string banner;  // the first bytes the service sent unprompted (at most 1 KiB, raw)
  int probes_sent = 0;
};

}  // namespace portlens::detect
