// Files the policy commands (policy, audit, diff) read, and this machine's listeners: the I/O
// around the pure policy/ and results/ libraries. Main thread. Bad input (a missing file, a
// policy or result file that does not parse) throws core::UsageError with a one-line message.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "policy/audit.h"
#include "policy/port_policy.h"
#include "results/result_reader.h"

namespace portlens::cli {

// The whole file, at most `max_bytes` ("-" reads stdin).
std::string readWholeFile(const std::string& path, std::size_t max_bytes, const char* what);

// Reads and parses a policy; with `resolve`, its hostnames are resolved through the system
// resolver (each once).
policy::PortPolicy loadPolicy(const std::string& path, bool resolve);

// Reads a result file (NDJSON, JSON or nmap XML).
results::ScanResult loadResult(const std::string& path);

// This machine's listening TCP sockets (the current network namespace), each with the first
// process holding it (pid, comm, and the socket owner's user name). Notes about what could not
// be seen (other users' processes without root) go to stderr once when `notes` is set.
std::vector<policy::Listener> readListeners(bool notes);

}  // namespace portlens::cli
