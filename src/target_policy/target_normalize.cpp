#include "target_policy/target_normalize.h"

#include <cctype>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/ip_address.h"
#include "target_policy/policy_error.h"

namespace portlens::target_policy {
namespace {

PolicyError invalid(std::string_view token, std::string_view why) {
  return PolicyError(Refusal::kInvalidTarget,
                     "invalid target '" + std::string(token) + "': " + std::string(why));
}

// One inet_aton part: decimal, 0x hex, or 0-leading octal. nullopt when it is not numeric at
// all (then the token is a hostname).
std::optional<std::uint64_t> parsePart(std::string_view part, bool& bad) {
  if (part.empty()) return std::nullopt;
  int base = 10;
  std::string_view digits = part;
  if (part.size() > 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    base = 16;
    digits = part.substr(2);
  } else if (part.size() > 1 && part[0] == '0') {
    base = 8;
    digits = part.substr(1);
  }
  std::uint64_t value = 0;
  for (char c : digits) {
    auto u = static_cast<unsigned char>(c);
    int digit = std::isdigit(u)                  ? c - '0'
                : base == 16 && std::isxdigit(u) ? std::tolower(u) - 'a' + 10
                                                 : -1;
    if (digit < 0) return std::nullopt;
    if (digit >= base) {
      bad = true;  // "08", "0x" followed by junk: numeric-looking but not a number
      return 0;
    }
    value = value * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(digit);
    if (value > 0xffffffffULL) {
      bad = true;
      return 0;
    }
  }
  return value;
}

// inet_aton: 1 to 4 parts; the last part fills the remaining bytes.
std::optional<std::uint32_t> parseInetAton(std::string_view body, std::string_view token) {
  std::vector<std::uint64_t> parts;
  std::size_t pos = 0;
  bool bad = false;
  while (true) {
    auto dot = body.find('.', pos);
    auto part = parsePart(body.substr(pos, dot == body.npos ? body.npos : dot - pos), bad);
    if (!part) return std::nullopt;
    parts.push_back(*part);
    if (dot == body.npos) break;
    pos = dot + 1;
  }
  if (bad) throw invalid(token, "not a valid number");
  if (parts.size() > 4) return std::nullopt;
  std::uint32_t value = 0;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] > 255) throw invalid(token, "an octet is larger than 255");
    value |= static_cast<std::uint32_t>(parts[i]) << (24 - 8 * i);
  }
  const unsigned rest_bits = static_cast<unsigned>(32 - 8 * (parts.size() - 1));
  if (rest_bits < 32 && parts.back() >= (std::uint64_t{1} << rest_bits)) {
    throw invalid(token, "the last part is too large");
  }
  return value | static_cast<std::uint32_t>(parts.back());
}

bool hasAmbiguousLeadingZero(std::string_view body) {
  for (std::size_t i = 0; i < body.size(); ++i) {
    const bool starts = i == 0 || !std::isdigit(static_cast<unsigned char>(body[i - 1]));
    if (starts && body[i] == '0' && i + 1 < body.size() &&
        std::isdigit(static_cast<unsigned char>(body[i + 1]))) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string normalizeTargetToken(std::string_view token) {
  std::string_view body = token;
  std::string_view prefix;  // "/24", kept as typed
  if (auto slash = token.rfind('/'); slash != token.npos) {
    prefix = token.substr(slash);
    body = token.substr(0, slash);
  }
  if (body.size() >= 2 && body.front() == '[' && body.back() == ']') {
    body = body.substr(1, body.size() - 2);
  }
  if (body.find(':') != body.npos) {
    auto address = core::IpAddress::parse(body);
    if (!address || !address->isV6()) return std::string(token);  // the parser explains
    const core::Uint128 value = address->v6();
    if ((value >> 32) == 0xffff) {  // ::ffff:a.b.c.d
      auto v4 = core::IpAddress::fromV4(static_cast<std::uint32_t>(value & 0xffffffffu));
      if (prefix.empty()) return v4.toString();
      unsigned length = 0;
      for (char c : prefix.substr(1)) {
        if (!std::isdigit(static_cast<unsigned char>(c))) throw invalid(token, "bad prefix");
        length = length * 10 + static_cast<unsigned>(c - '0');
        if (length > 128) throw invalid(token, "bad prefix");
      }
      if (length >= 96) return v4.toString() + "/" + std::to_string(length - 96);
      return address->toString() + std::string(prefix);
    }
    return address->toString() + std::string(prefix);
  }
  if (body.find_first_of("-,*") != body.npos) {
    if (hasAmbiguousLeadingZero(body)) {
      throw invalid(token, "a leading zero makes an octet ambiguous (octal or decimal?)");
    }
    return std::string(token);
  }
  if (auto v4 = parseInetAton(body, token)) {
    return core::IpAddress::fromV4(*v4).toString() + std::string(prefix);
  }
  return std::string(token);
}

}  // namespace portlens::target_policy
