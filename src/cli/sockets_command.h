// `portlens sockets [-l|-a] [-p] [FILTER...] [--sort KEYS] [--format F] [-N NETNS]
//                   [--watch [--interval S]]`: the local TCP socket table (IPv4 and IPv6) from
// netlink sock_diag, /proc/net/tcp* as a fallback; see sockets/filter.h for the filter and
// sockets/socket_sort.h for the keys. Without root the processes of other users are not
// visible: a note on stderr (and in json's "notes") says how many.
// Exit codes: 0 listed (even when empty), 2 bad filter/option (core::UsageError),
// 3 the table could not be read at all (std::system_error).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace portlens::cli {

void addSocketsCommand(CLI::App& app, CommandContext& context);

}  // namespace portlens::cli
