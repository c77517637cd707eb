// HMAC-SHA256 (RFC 2104) as lowercase hex: the webhook signature
// (`X-Portlens-Signature: sha256=<hex>`, keyed with the destination's secret). Built on the
// store's own SHA-256 (store/sha256.h) so alerts do not map libcrypto either. Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace portlens::alerts {

std::string hmacSha256Hex(std::string_view key, std::string_view message);

}  // namespace portlens::alerts
