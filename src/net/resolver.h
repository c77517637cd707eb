// Blocking name resolution through getaddrinfo (the system's resolver configuration).
// Called once per hostname while the command line is parsed, never during a scan.
#pragma once

#include <string>
#include <vector>

#include "core/ip_address.h"

namespace portlens::net {

// Every TCP-capable address the name resolves to, deduplicated, in resolver order; empty when
// it does not resolve.
std::vector<core::IpAddress> resolveHostname(const std::string& hostname);

}  // namespace portlens::net
