// A 128-bit unsigned integer for IPv6 arithmetic (interval sets, CIDR masks).
#pragma once

namespace portlens::core {

__extension__ typedef unsigned __int128 Uint128;

}  // namespace portlens::core
