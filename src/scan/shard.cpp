#include "scan/shard.h"

#include <charconv>

namespace portlens::scan {
namespace {

std::optional<std::uint64_t> parseNumber(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<Shard> parseShard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto k = parseNumber(text.substr(0, slash));
  auto n = parseNumber(text.substr(slash + 1));
  // A million shards is far beyond any deployment and keeps K-1+j*N from overflowing.
  if (!k || !n || *n == 0 || *n > 1'000'000 || *k == 0 || *k > *n) return std::nullopt;
  return Shard{*k, *n};
}

}  // namespace portlens::scan
