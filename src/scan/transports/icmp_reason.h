// Maps an ICMP or ICMPv6 error (as the kernel reports it in sock_extended_err) and plain
// connect() errnos to a port state and nmap's reason. Pure.
#pragma once

#include <cstdint>

#include "scan/records.h"

namespace portlens::scan {

struct StateAndReason {
  PortState state;
  Reason reason;
};

// ICMPv4 type/code (RFC 792, RFC 1812).
StateAndReason fromIcmp4(std::uint8_t type, std::uint8_t code);
// ICMPv6 type/code (RFC 4443).
StateAndReason fromIcmp6(std::uint8_t type, std::uint8_t code);
// A connect() error when no ICMP detail is known: 0 is open, ECONNREFUSED closed, and
// everything else filtered with the closest reason.
StateAndReason fromConnectErrno(int error);

}  // namespace portlens::scan
