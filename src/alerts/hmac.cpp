#include "alerts/hmac.h"

#include <cstddef>

#include "store/sha256.h"

namespace portlens::alerts {
namespace {

constexpr std::size_t kBlockSize = 64;  // SHA-256's block, in bytes

int hexValue(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

// store::sha256Hex gives hex; HMAC's outer hash and long keys need the raw digest.
std::string sha256Raw(std::string_view data) {
  const std::string hex = store::sha256Hex(data);
  std::string raw(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < raw.size(); ++i) {
    raw[i] = static_cast<char>(hexValue(hex[2 * i]) << 4 | hexValue(hex[2 * i + 1]));
  }
  return raw;
}

std::string padKey(std::string_view key, char pad) {
  std::string block = key.size() > kBlockSize ? sha256Raw(key) : std::string(key);
  block.resize(kBlockSize, '\0');
  for (char& c : block) c = static_cast<char>(c ^ pad);
  return block;
}

}  // namespace

std::string hmacSha256Hex(std::string_view key, std::string_view message) {
  std::string inner = padKey(key, 0x36);
  inner.append(message);
  std::string outer = padKey(key, 0x5c);
  outer.append(sha256Raw(inner));
  return store::sha256Hex(outer);
}

}  // namespace portlens::alerts
