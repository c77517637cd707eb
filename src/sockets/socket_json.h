// JSON for the small local-port reports (who, check, free, ephemeral) through nlohmann::json,
// the project's one JSON writer. The socket table's own json/ndjson formats are the single
// exception: they stream up to 100,000 records through the hand-written writer of
// socket_format.cpp (json_text.cpp escapes their strings), measured 10x faster (see
// docs/architecture.md). processJson() gives the process object that writer emits; a unit
// test holds the two to the same parsed value.
// Pure. Bytes that are not UTF-8 (process names, command lines) become U+FFFD.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sockets/socket_record.h"

namespace portlens::sockets {

using Json = nlohmann::ordered_json;

// {"pid":812,"fd":3,"name":"nginx","cmdline":"nginx: master process"}
Json processJson(const ProcessRef& process);
// The "processes" array of a socket record: one processJson per holder.
Json processesJson(const SocketRecord& record);

// The whole document, indented by two spaces (as `portlens port --format json`), with a final
// newline; never throws on invalid UTF-8.
std::string jsonDocument(const Json& document);

}  // namespace portlens::sockets
