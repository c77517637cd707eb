// SHA-256 (FIPS 180-4) as lowercase hex, and random API tokens. Tokens are stored as this
// hash, never in clear. Called by the token command and the server's authentication, from
// any thread (no state).
//
// Our own SHA-256 rather than OpenSSL's: hashing a token is the store's only use of libcrypto,
// and linking it made every subcommand load and relocate libcrypto at start (see the measured
// decisions in docs/architecture.md). Tokens are hashed once per request, so speed is moot.
#pragma once

#include <string>
#include <string_view>

namespace portlens::store {

std::string sha256Hex(std::string_view data);

// A new random API token: "plt_" + 32 random bytes from the kernel (getentropy) in hex.
// Throws std::runtime_error when the system has no randomness to give.
std::string generateToken();

}  // namespace portlens::store
