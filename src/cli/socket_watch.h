// The terminal side of `portlens sockets --watch`: raw mode and the alternate screen (both
// restored on every exit path), a refresh every interval, keys read between refreshes:
//   q / Ctrl-C quit, s next sort key, r reverse the sort, p pause/resume, f edit the filter
//   (Enter applies, Esc cancels, Ctrl-U clears; a bad filter shows its error and keeps the old
//   one).
// Frames are rendered by sockets/watch_frame (pure). Runs on the calling thread; returns the
// exit code (0). Needs a terminal on stdin (else core::UsageError).
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "registry/port_registry.h"
#include "sockets/filter.h"
#include "sockets/socket_sort.h"
#include "sockets/socket_table.h"

namespace portlens::cli {

struct WatchConfig {
  sockets::TableOptions table;  // states as the options gave them (before the filter)
  std::vector<sockets::SortField> sort;
  double interval_seconds = 1.0;
  const registry::PortRegistry* registry = nullptr;
};

// `clock` paces the refreshes and gives the time shown in the header.
int runWatch(const WatchConfig& config, sockets::Filter filter, core::Clock& clock);

}  // namespace portlens::cli
