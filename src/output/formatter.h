// The interface every output format implements. The scan engine's records arrive in this
// order, on one thread: begin(), then any interleaving of port() and host() (a host's ports
// all arrive before that host's host() call), then end() exactly once, also after Ctrl-C.
// port() receives only records whose state the user asked to see (--states / --open);
// host() and end() carry the counts of every state. Formatters write to the ostream they were
// constructed with and flush at end(). Streaming formats (ndjson, csv) write each record as it
// arrives but leave flushing to flush(), which the caller calls about once a second (the
// CLI's scan reporter; the server renders stored results and flushes at end()): a write
// syscall per record would cost more than the scan itself on a full-range scan. Ctrl-C still
// reaches end(), so an interrupted scan keeps everything it found.
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
  // Pushes what has been written so far to the output (live readers see it).
  virtual void flush() {}
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
