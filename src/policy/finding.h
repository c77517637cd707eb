// A finding: something about a port that a person should look at. Produced by the audit of a
// port policy (policy/audit.h: undocumented open ports, missing ones, expired entries, wrong
// service or process) and by a monitor comparing a run with the one before (port opened,
// closed, service changed). Consumed by `portlens audit` (text, JSON, NDJSON), the server's
// monitors (stored once per transition, by identity) and the alert deliveries.
// Plain data, no formatting. Service, product and process text may come from a remote peer or
// another user's process: every formatter escapes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ip_address.h"

namespace portlens::policy {

enum class FindingKind : std::uint8_t {
  // From a policy audit.
  kUnexpectedOpen,      // open, not documented for this host
  kMissing,             // documented, not open, not optional
  kExpired,             // a documented entry whose `expires` date has passed
  kServiceMismatch,     // -sV named another service (or tunnel) than documented
  kUnexpectedListener,  // local: a listening socket the `local` entries do not document
  kProcessMismatch,     // local: documented port held by another process than documented
  // From a monitor's run against its previous run.
  kPortOpened,
  kPortClosed,
  kServiceChanged,
};

// The wire names: "unexpected_open", "missing", "expired", "service_mismatch",
// "unexpected_listener", "process_mismatch", "port_opened", "port_closed", "service_changed".
std::string_view toString(FindingKind kind);
std::optional<FindingKind> parseFindingKind(std::string_view text);

// The process behind a local listener (from sockets/process_map).
struct ProcessInfo {
  std::int32_t pid = 0;
  std::string name;  // comm, e.g. "postgres"
  std::string user;  // user name, or the uid as text when it has no name
};

struct Finding {
  FindingKind kind = FindingKind::kUnexpectedOpen;
  bool local = false;  // about this machine's listeners (`match: local`), not a scanned host
  core::IpAddress ip;  // the scanned host, or the listener's bound address when local
  std::uint16_t port = 0;
  std::string state;    // the state seen: "open", "closed", "filtered", "listening", "" if none
  std::string service;  // the service seen (-sV name, or the port table's name), "" if none
  std::string product;  // -sV product and version seen, "" if none
  std::string version;
  std::string expected;  // what the policy or the previous run said: service, process, date
  std::optional<ProcessInfo> process;  // local findings: who holds the port
  std::string owner;                   // from the matching policy entry, "" if none
  std::string purpose;
  std::string detail;  // one human sentence, e.g. "entry expired on 2027-06-30"
};

// A finding's identity across runs: kind, local flag, address and port. A monitor opens a
// finding when a key first appears and resolves it when the key is gone from a later run.
std::string findingKey(const Finding& finding);

}  // namespace portlens::policy
