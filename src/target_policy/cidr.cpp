#include "target_policy/cidr.h"

#include <charconv>
#include <stdexcept>

namespace portlens::target_policy {

std::string Cidr::toString() const { return first.toString() + "/" + std::to_string(prefix); }

std::optional<Cidr> parseCidr(std::string_view text) {
  std::string_view body = text;
  std::optional<unsigned> prefix;
  if (auto slash = text.find('/'); slash != text.npos) {
    unsigned value = 0;
    auto digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size()) {
      return std::nullopt;
    }
    prefix = value;
    body = text.substr(0, slash);
  }
  auto address = core::IpAddress::parse(body);
  if (!address) return std::nullopt;
  const unsigned bits = address->isV4() ? 32 : 128;
  const unsigned length = prefix.value_or(bits);
  if (length > bits) return std::nullopt;
  Cidr cidr;
  cidr.prefix = length;
  if (address->isV4()) {
    const std::uint32_t host = length == 0 ? ~0u : length == 32 ? 0u : (~0u >> length);
    if ((address->v4() & host) != 0) return std::nullopt;
    cidr.first = *address;
    cidr.last = core::IpAddress::fromV4(address->v4() | host);
  } else {
    const core::Uint128 all = ~core::Uint128{0};
    const core::Uint128 host = length == 0 ? all : length == 128 ? 0 : (all >> length);
    if ((address->v6() & host) != 0) return std::nullopt;
    cidr.first = *address;
    cidr.last = core::IpAddress::fromV6(address->v6() | host);
  }
  return cidr;
}

std::vector<Cidr> parseCidrList(std::string_view text) {
  std::vector<Cidr> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find_first_of(", \t\n", pos);
    if (end == text.npos) end = text.size();
    auto item = text.substr(pos, end - pos);
    if (!item.empty()) {
      auto cidr = parseCidr(item);
      if (!cidr) throw std::invalid_argument("invalid CIDR '" + std::string(item) + "'");
      out.push_back(*cidr);
    }
    pos = end + 1;
  }
  return out;
}

}  // namespace portlens::target_policy
