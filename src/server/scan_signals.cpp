#include "server/scan_signals.h"

#include <charconv>

namespace portlens::server {

std::optional<std::int64_t> ScanSignals::notify(std::string_view payload) {
  std::int64_t id = 0;
  const auto* end = payload.data() + payload.size();
  const auto [ptr, ec] = std::from_chars(payload.data(), end, id);
  if (ec != std::errc() || ptr != end || payload.empty()) {
    bumpAll();
    return std::nullopt;
  }
  notify(id);
  return id;
}

void ScanSignals::bumpAll() {
  for (std::size_t i = 0; i < kSlots; ++i) bump(i);
}

}  // namespace portlens::server
