#include "registry/ephemeral_range.h"

#include <charconv>

namespace portlens::registry {
namespace {

constexpr std::string_view kSpace = " \t\r\n";

// Consumes leading whitespace and one unsigned number; false when there is none.
bool takeNumber(std::string_view& text, unsigned& value) {
  const std::size_t start = text.find_first_not_of(kSpace);
  if (start == std::string_view::npos) return false;
  text.remove_prefix(start);
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr == text.data()) return false;
  text.remove_prefix(static_cast<std::size_t>(ptr - text.data()));
  return true;
}

}  // namespace

std::variant<EphemeralRange, std::string> parseEphemeralRange(std::string_view text) {
  unsigned first = 0;
  unsigned last = 0;
  std::string_view rest = text;
  if (!takeNumber(rest, first)) return std::string("expected two port numbers");
  if (rest.empty() || kSpace.find(rest.front()) == std::string_view::npos) {
    return std::string("expected whitespace between the two port numbers");
  }
  if (!takeNumber(rest, last)) return std::string("expected two port numbers");
  if (rest.find_first_not_of(kSpace) != std::string_view::npos) {
    return std::string("unexpected text after the two port numbers");
  }
  if (first == 0 || last == 0 || first > 65535 || last > 65535) {
    return std::string("port numbers must be 1-65535");
  }
  if (first > last) return std::string("first port is above the last");
  return EphemeralRange{static_cast<std::uint16_t>(first), static_cast<std::uint16_t>(last)};
}

}  // namespace portlens::registry
