// Internal to socket_format.cpp: the text table and the fast text pieces it is made of. The
// table can hold 100,000 rows, so cells are appended with to_chars/inet_ntop into one arena
// and padded by hand (fmt's width handling counts code points on every cell).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "registry/port_registry.h"
#include "sockets/socket_format.h"
#include "sockets/socket_record.h"

namespace portlens::sockets {

void appendAddress(std::string& out, const core::IpAddress& address);
void appendNumber(std::string& out, std::uint64_t value);
// "127.0.0.1:80", "[::1]:80"; `port_text` replaces the port when given ("*").
void appendEndpoint(std::string& out, const core::IpAddress& address, std::uint16_t port,
                    std::string_view port_text = {});

void formatTextTable(const std::vector<SocketRecord>& records, const FormatOptions& options,
                     const registry::PortRegistry& registry, std::string& out);

}  // namespace portlens::sockets
