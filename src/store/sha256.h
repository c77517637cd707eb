// SHA-256 as lowercase hex (OpenSSL EVP). Tokens are stored as this hash, never in clear.
#pragma once

#include <string>
#include <string_view>

namespace portlens::store {

std::string sha256Hex(std::string_view data);

// A new random API token: "plt_" + 32 random bytes in hex (RAND_bytes). Throws
// std::runtime_error when the system has no randomness to give.
std::string generateToken();

}  // namespace portlens::store
