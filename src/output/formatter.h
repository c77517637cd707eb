// The interface every output format implements. The scan engine's records arrive in this
// order, on one thread: begin(), then any interleaving of port() and host() (a host's ports
// all arrive before that host's host() call), then end() exactly once, also after Ctrl-C.
// port() receives only records whose state the user asked to see (--states / --open);
// host() and end() carry the counts of every state. Formatters write to the ostream they were
// constructed with and flush at end(); streaming formats (ndjson, csv, grep's per-port
// lines) write each record as it arrives so an interrupted scan keeps what it found.
#pragma once

#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <string_view>

#include "registry/port_registry.h"
#include "scan/records.h"

namespace portlens::output {

class Formatter {
 public:
  virtual ~Formatter() = default;
  virtual void begin(const scan::ScanInfo& info) = 0;
  virtual void port(const scan::PortRecord& record) = 0;
  virtual void host(const scan::HostRecord& record) = 0;
  virtual void end(const scan::ScanSummary& summary) = 0;
};

enum class Format { kText, kJson, kNdjson, kCsv, kXml, kGrep };

// "text", "json", "ndjson", "csv", "xml", "grep"; throws core::UsageError otherwise.
Format parseFormat(std::string_view name);

struct FormatOptions {
  // The states whose port records are shown; the text format collapses the rest into
  // "Not shown: N closed ports (conn-refused)".
  std::set<scan::PortState> shown_states = {scan::PortState::kOpen, scan::PortState::kFiltered};
  // True when the user chose the states (--states/--open): the text format then lists every
  // shown port instead of collapsing a state that has more than 25 ports, as nmap does.
  bool states_explicit = false;
};

// The registry supplies service names; it must outlive the formatter.
std::unique_ptr<Formatter> makeFormatter(Format format, std::ostream& out,
                                         const registry::PortRegistry& registry,
                                         const FormatOptions& options);

}  // namespace portlens::output
