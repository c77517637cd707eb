// UniqueFd moved to core/unique_fd.h (portlens::core). This forwarding name is kept only
// because cli/syn_scan.cpp still includes it while that file is being rewritten into the
// scan launcher; delete it once nothing includes net/unique_fd.h.
#pragma once

#include "core/unique_fd.h"

namespace portlens::net {

using UniqueFd = core::UniqueFd;

}  // namespace portlens::net
