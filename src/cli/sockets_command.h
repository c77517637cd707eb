// `portlens sockets [-l|-a] [-p] [FILTER...] [--sort KEYS] [--format F] [-N NETNS]
//                   [--watch [--interval S]]`: the local TCP socket table (IPv4 and IPv6) from
// netlink sock_diag, /proc/net/tcp* as a fallback; see sockets/filter.h for the filter and
// sockets/socket_sort.h for the keys. Without root the processes of other users are not
// visible: a note on stderr (and in json's "notes") says how many.
// Exit codes: 0 listed (even when empty), 2 bad filter/option (core::UsageError),
// 3 the table could not be read at all (std::system_error).
// Parsing is apart from running: addSocketsOptions + buildSocketsRequest read the command
// line into a SocketsRequest without any I/O (tests/unit/cli).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/command_context.h"
#include "registry/port_registry.h"
#include "sockets/filter.h"
#include "sockets/socket_format.h"
#include "sockets/socket_sort.h"
#include "sockets/socket_table.h"

namespace portlens::cli {

// The options as typed.
struct SocketsOptions {
  bool listening = false;
  bool all = false;
  bool processes = false;
  bool procfs = false;
  std::vector<std::string> filter_words;
  std::string sort;
  std::string format = "text";
  std::string netns;
  bool watch = false;
  double interval = 1.0;
};

// What the command will do, every option checked.
struct SocketsRequest {
  sockets::TableOptions table;  // states to read (the filter may narrow them further)
  sockets::Filter filter;
  std::vector<sockets::SortField> sort;
  sockets::SocketFormat format = sockets::SocketFormat::kText;
  std::string netns;  // empty: the current namespace
  bool watch = false;
  double interval_seconds = 1.0;
};

void addSocketsOptions(CLI::App& command, SocketsOptions& options);
// Throws core::UsageError naming the bad option or token. Service names in the filter are
// looked up in `registry`.
SocketsRequest buildSocketsRequest(const SocketsOptions& options,
                                   const registry::PortRegistry& registry);

void addSocketsCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
