// One screen of `portlens sockets --watch`, as the bytes to write to the terminal: plain ANSI
// escape codes (cursor home, erase to end of line/screen, SGR colours), no terminfo. New rows
// are green, gone ones red, changed ones yellow. Pure: the caller owns the terminal, reads
// the table and keys (cli/socket_watch.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "registry/port_registry.h"
#include "sockets/socket_diff.h"

namespace portlens::sockets {

struct WatchFrameInfo {
  std::string sort;    // "local", "-recvq"
  std::string filter;  // canonical filter text, "" for none
  double interval_seconds = 1;
  bool paused = false;
  bool processes = false;
  std::string clock;                 // "12:34:56"
  std::string prompt;                // bottom line when editing ("filter: state est"), else ""
  std::string message;               // one-line error or notice, else ""
  std::size_t ephemeral_in_use = 0;  // distinct local ports in the ephemeral range
  std::size_t ephemeral_available = 0;
  std::size_t width = 80;
  std::size_t height = 24;
  bool color = true;
};

// "42 sockets: 3 listening, 30 established, 9 time-wait" plus new/gone/changed counts.
std::string summaryLine(const std::vector<DiffRow>& rows);

std::string renderWatchFrame(const std::vector<DiffRow>& rows, const WatchFrameInfo& info,
                             const registry::PortRegistry& registry);

}  // namespace portlens::sockets
