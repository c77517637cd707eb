// Compiles a pcap filter expression into a classic BPF program for SO_ATTACH_FILTER.
//
// libpcap is loaded with dlopen (libpcap.so.0.8) only when a filter is compiled, i.e. when a
// SYN scan opens its receive socket: its dependency chain (dbus, systemd, gcrypt, lzma, ...)
// ran its constructors and faulted its pages in at the start of every subcommand when it was
// linked, for one call that only SYN scans make. Called by net/packet_socket, from any thread.
// Errors: std::runtime_error when libpcap cannot be loaded (names the Debian package),
// std::invalid_argument when libpcap rejects the expression.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

namespace portlens::net {

// The program for Ethernet frames (DLT_EN10MB, snapshot length 256), optimised by libpcap.
std::vector<sock_filter> compileBpf(const std::string& expression);

}  // namespace portlens::net
