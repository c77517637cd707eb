// Blocking name resolution through getaddrinfo (the system's resolver configuration).
// Called once per hostname before a scan starts (while the CLI parses its command line, or
// while the web service checks a scan request on an HTTP thread), never during a scan.
#pragma once

#include <string>
#include <vector>

#include "core/ip_address.h"

namespace portlens::net {

// Every TCP-capable address the name resolves to, deduplicated, in resolver order; empty when
// it does not resolve.
std::vector<core::IpAddress> resolveHostname(const std::string& hostname);

}  // namespace portlens::net
