// Writes a draft policy for `portlens policy init`: one host entry per scanned host (or one
// `match: local` entry) listing every open port, with the service seen and empty owner and
// purpose plus a "TODO" comment for a person to fill in. Pure; the YAML is emitted by yaml-cpp,
// so service and process names (which came from a peer or another user's process) are quoted
// as YAML needs. The result parses with parsePolicy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/ip_address.h"

namespace portlens::policy {

struct DraftPort {
  std::uint16_t port = 0;
  std::string service;  // "" when unknown
  std::string tunnel;   // "ssl" or ""
  std::string process;  // local drafts: the process holding it, "" when unknown
};

struct DraftHost {
  bool local = false;
  core::IpAddress ip;    // ignored when local
  std::string hostname;  // written as a comment when known
  std::vector<DraftPort> ports;
};

// `header` is written as a leading comment (e.g. where the ports came from).
std::string writeDraftPolicy(const std::vector<DraftHost>& hosts, const std::string& header);

}  // namespace portlens::policy
