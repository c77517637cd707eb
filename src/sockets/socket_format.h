// Turns socket records into text (aligned columns like ss), json (one document), ndjson (one
// object a line) or csv, appended to a string that the caller writes with one write().
// Every endpoint carries its IANA service name and range category from the registry.
// Pure; any bytes are safe: process names and command lines that are not UTF-8 are written
// with U+FFFD in JSON, quoted in CSV.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/port_registry.h"
#include "sockets/socket_record.h"

namespace portlens::sockets {

enum class SocketFormat : std::uint8_t { kText, kJson, kNdjson, kCsv };

std::optional<SocketFormat> parseSocketFormat(std::string_view name);

struct FormatOptions {
  SocketFormat format = SocketFormat::kText;
  bool processes = false;  // add the process column / "processes" arrays
  bool header = true;      // text: the column header line
  // When set, called with the output whenever it passes about 1 MiB (it must empty the
  // string), so a 100,000-row table reuses one buffer instead of faulting in 15 MB.
  std::function<void(std::string&)> flush;
  static constexpr std::size_t kFlushBytes = std::size_t{1} << 20;
};

// `notes` (what could not be seen) go into the json document's "notes" array; the other
// formats leave them to the caller (stderr).
void formatSockets(const std::vector<SocketRecord>& records, const FormatOptions& options,
                   const registry::PortRegistry& registry, const std::vector<std::string>& notes,
                   std::string& out);

// The fast JSON string writer of the json/ndjson formats (json_text.cpp); everything else
// writes JSON through nlohmann (socket_json.h).
void appendJsonString(std::string& out, std::string_view text);
// "127.0.0.1:22", "[::1]:22", "0.0.0.0:22", "[::]:22".
std::string endpointText(const core::IpAddress& address, std::uint16_t port);
// Listening sockets have no peer: the text formats print "0.0.0.0:*" / "[::]:*" for it (as
// ss does) and no peer service.
bool hasNoPeer(const SocketRecord& record);
// The peer as the text formats show it: endpointText, or "0.0.0.0:*" when hasNoPeer.
std::string peerText(const SocketRecord& record);
// Appends `text` with every control byte (below 0x20, and 0x7f) turned into a space: a
// process chooses its own name and command line, and on a terminal an ESC byte from either
// could move the cursor or recolour the screen, a newline would forge a row.
void appendPrintable(std::string& out, std::string_view text);
// "name/pid" entries joined by commas, e.g. "nginx/812,nginx/813"; "-" when none. With
// kInclude each entry is followed by its command line and entries are joined by ", " (`who`):
// "nginx/812 (nginx: master process), nginx/813 (nginx: worker)". Names and command lines are
// printable (appendPrintable). One writer for the text table, the watch view, who and check.
enum class CommandLines : bool { kOmit, kInclude };
void appendProcessesText(std::string& out, const SocketRecord& record,
                         CommandLines command_lines = CommandLines::kOmit);
// The same, as a new string.
std::string processesText(const SocketRecord& record,
                          CommandLines command_lines = CommandLines::kOmit);

}  // namespace portlens::sockets
