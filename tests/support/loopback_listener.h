// A TCP listener on 127.0.0.1 with a port the kernel picks (tests never hard-code ports), for
// unit tests that need a real peer on loopback.
#pragma once

#include <cstdint>

#include "core/unique_fd.h"

namespace portlens::testing {

// Listening socket (backlog 16) and its port; an invalid fd when the kernel refuses.
core::UniqueFd listenOnLoopback(std::uint16_t& port);

}  // namespace portlens::testing
