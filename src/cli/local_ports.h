// Helpers shared by the local-port subcommands (sockets, who, free, check, ephemeral): the
// -N option, sysctl reads, port arguments, and a bind() probe. Called from the main thread.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/ephemeral_range.h"
#include "registry/port_registry.h"
#include "sockets/ephemeral_usage.h"
#include "sockets/socket_table.h"

namespace portlens::cli {

// Adds "-N,--netns NAME" to a local-port subcommand.
void addNetnsOption(CLI::App& command, std::string& netns);
// Enters `netns` when not empty (see sockets/netns.h); before any socket or /proc/net read.
void enterNetnsIfAny(const std::string& netns);

// The whole content of a /proc file, nullopt when it cannot be read.
std::optional<std::string> readProcFile(const char* path);
// ip_local_port_range of the current netns; nullopt when /proc is missing or says something
// unexpected (`port` then reports the range as unknown instead of guessing).
std::optional<registry::EphemeralRange> ephemeralRange();
// The same, or the kernel default 32768-60999 when unreadable.
registry::EphemeralRange ephemeralRangeOrDefault();
// ip_local_reserved_ports; empty when unreadable.
sockets::PortRanges reservedPorts();

// "443", "https" -> ports (a name may give several). Throws core::UsageError for a token that
// is no port or an unknown name, before anything is printed.
std::vector<std::uint16_t> resolvePortArguments(const std::vector<std::string>& tokens,
                                                const registry::PortRegistry& registry);

// 0 when a TCP socket could bind `port` on the IPv4 wildcard (and IPv6 wildcard, when IPv6
// exists) right now, else the errno of the failed bind(). Sends nothing.
int bindProbe(std::uint16_t port);

// A filter matching sockets whose local port is one of `ports` (not empty). The lowest and
// highest port bound it for the kernel (sock_diag bytecode), so asking about a few ports on
// a machine with 100,000 sockets copies only those few out of the kernel.
sockets::Filter localPortFilter(const std::vector<std::uint16_t>& ports);

// The PORT... [--format text|json] [-N NETNS] command line of who and check.
struct PortsOptions {
  std::vector<std::string> ports;  // as typed: numbers or service names
  std::string format = "text";
  std::string netns;
};
struct PortsRequest {
  std::vector<std::uint16_t> ports;  // resolved, duplicates dropped, in the order given
  bool json = false;
  std::string netns;
};
void addPortsOptions(CLI::App& command, PortsOptions& options);
// Throws core::UsageError naming a token that is no port or service name.
PortsRequest buildPortsRequest(const PortsOptions& options, const registry::PortRegistry& registry);

// Prints each note on stderr as "portlens: note".
void printNotes(const std::vector<std::string>& notes);

}  // namespace portlens::cli
