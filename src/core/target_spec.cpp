#include "core/target_spec.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <string>

#include "core/error.h"

namespace portlens::core {
namespace {

std::string quoted(std::string_view token) { return "'" + std::string(token) + "'"; }

bool allOf(std::string_view s, const char* allowed) {
  return std::all_of(s.begin(), s.end(), [allowed](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || std::strchr(allowed, c) != nullptr;
  });
}

// Parses a decimal number with no sign and no leading zeros (so "0177" is never octal).
bool parseDecimal(std::string_view digits, unsigned max, unsigned& value) {
  if (digits.empty() || digits.size() > 10 || (digits.size() > 1 && digits[0] == '0')) return false;
  if (!allOf(digits, "")) return false;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return ec == std::errc{} && end == digits.data() + digits.size() && value <= max;
}

// Sets the host bits of `base` to zero (first) and one (last) for a /prefix block.
template <typename T>
void addCidr(TargetSet& set, T base, unsigned prefix, bool v4) {
  constexpr unsigned kBits = sizeof(T) * 8;
  T host_mask =
      prefix == 0 ? static_cast<T>(~T{0}) : static_cast<T>((T{1} << (kBits - prefix)) - 1);
  if (prefix == kBits) host_mask = 0;
  T first = base & static_cast<T>(~host_mask);
  T last = first | host_mask;
  if (v4) {
    set.add(IpAddress::fromV4(static_cast<std::uint32_t>(first)),
            IpAddress::fromV4(static_cast<std::uint32_t>(last)));
  } else {
    set.add(IpAddress::fromV6(first), IpAddress::fromV6(last));
  }
}

void addAddressWithPrefix(TargetSet& set, IpAddress address, unsigned prefix) {
  if (address.isV4()) {
    addCidr<std::uint32_t>(set, address.v4(), prefix, true);
  } else {
    addCidr<Uint128>(set, address.v6(), prefix, false);
  }
}

using OctetIntervals = std::vector<std::pair<unsigned, unsigned>>;

// One octet of an nmap octet-range spec: "7", "0-3", "-5", "250-", "*", "1,3,5-7".
OctetIntervals parseOctet(std::string_view octet, std::string_view token) {
  if (octet.empty()) throw UsageError("empty octet in " + quoted(token));
  OctetIntervals out;
  std::size_t pos = 0;
  while (true) {
    auto comma = octet.find(',', pos);
    auto item = octet.substr(pos, comma == octet.npos ? octet.npos : comma - pos);
    unsigned lo = 0;
    unsigned hi = 255;
    if (item == "*") {
      // whole octet
    } else if (auto dash = item.find('-'); dash != item.npos) {
      auto left = item.substr(0, dash);
      auto right = item.substr(dash + 1);
      if ((!left.empty() && !parseDecimal(left, 255, lo)) ||
          (!right.empty() && !parseDecimal(right, 255, hi))) {
        throw UsageError("invalid octet range " + quoted(item) + " in " + quoted(token) +
                         " (octets are 0-255)");
      }
      if (lo > hi)
        throw UsageError("reversed octet range " + quoted(item) + " in " + quoted(token));
    } else {
      if (!parseDecimal(item, 255, lo)) {
        throw UsageError("invalid octet " + quoted(item) + " in " + quoted(token) +
                         " (octets are 0-255, no leading zeros)");
      }
      hi = lo;
    }
    out.push_back({lo, hi});
    if (comma == octet.npos) break;
    pos = comma + 1;
  }
  std::sort(out.begin(), out.end());
  OctetIntervals merged;
  for (auto iv : out) {
    if (!merged.empty() && iv.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, iv.second);
    } else {
      merged.push_back(iv);
    }
  }
  return merged;
}

std::vector<unsigned> octetValues(const OctetIntervals& intervals) {
  std::vector<unsigned> values;
  for (auto [lo, hi] : intervals) {
    for (unsigned v = lo; v <= hi; ++v) values.push_back(v);
  }
  return values;
}

// Expands "198.18.0-3.1-254" into intervals. Trailing whole octets ("10.0.*.*") fold into
// wider intervals, so only genuinely fragmented specs produce many intervals. `budget` is how
// many more intervals the caller allows (shared by the items of one target list).
void addOctetRange(TargetSet& set, std::string_view token, std::size_t& budget) {
  std::array<OctetIntervals, 4> octets;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    auto dot = token.find('.', pos);
    if ((i < 3) == (dot == token.npos)) {
      throw UsageError("invalid IPv4 address or range " + quoted(token) + " (need four octets)");
    }
    octets[i] = parseOctet(token.substr(pos, i < 3 ? dot - pos : token.npos), token);
    pos = dot + 1;
  }
  auto is_full = [](const OctetIntervals& o) {
    return o.size() == 1 && o[0].first == 0 && o[0].second == 255;
  };
  std::size_t varying = 4;  // octets [varying, 4) are whole and fold into each interval
  while (varying > 1 && is_full(octets[varying - 1])) --varying;
  const std::size_t last_varying = varying - 1;
  const unsigned shift = static_cast<unsigned>(8 * (3 - last_varying));

  std::uint64_t count = octets[last_varying].size();
  std::vector<std::vector<unsigned>> prefix_values;
  for (std::size_t i = 0; i < last_varying; ++i) {
    prefix_values.push_back(octetValues(octets[i]));
    count *= prefix_values.back().size();
  }
  if (count > budget) {
    std::string detail = std::to_string(count) + " separate ranges";
    if (budget < kMaxTargetIntervals) {
      detail += " on top of " + std::to_string(kMaxTargetIntervals - budget) + " in this list";
    }
    throw UsageError("octet range " + quoted(token) + " is too fragmented (" + detail +
                     "); use CIDR blocks instead");
  }
  budget -= static_cast<std::size_t>(count);

  std::vector<std::size_t> index(last_varying, 0);
  while (true) {
    std::uint32_t prefix = 0;
    for (std::size_t i = 0; i < last_varying; ++i) {
      prefix |= prefix_values[i][index[i]] << (8 * (3 - i));
    }
    const std::uint32_t fill = shift >= 32 ? 0xffffffffu : (std::uint32_t{1} << shift) - 1;
    for (auto [lo, hi] : octets[last_varying]) {
      set.add(IpAddress::fromV4(prefix | (lo << shift)),
              IpAddress::fromV4(prefix | (hi << shift) | fill));
    }
    // Odometer over the leading octets' values.
    std::size_t k = last_varying;
    while (k > 0 && ++index[k - 1] == prefix_values[k - 1].size()) {
      index[k - 1] = 0;
      --k;
    }
    if (k == 0) break;
  }
}

// inet_aton's number forms: "127", "0177", "0x7f" (getaddrinfo reads "0x7f.1" as 127.0.0.1).
bool isNumericLabel(std::string_view label) {
  if (label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X')) {
    return std::all_of(label.begin() + 2, label.end(),
                       [](unsigned char c) { return std::isxdigit(c); });
  }
  return !label.empty() &&
         std::all_of(label.begin(), label.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool isHostname(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.front() == '-' || s.front() == '.') return false;
  if (s.find("..") != s.npos) return false;  // empty label
  if (!std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.' || c == '_';
      })) {
    return false;
  }
  // A name made only of numbers is an address in a notation we refuse (hex, octal, fewer
  // than four parts); the resolver would accept it, so it must not get there.
  std::string_view rest = s.back() == '.' ? s.substr(0, s.size() - 1) : s;
  while (true) {
    auto dot = rest.find('.');
    if (!isNumericLabel(rest.substr(0, dot))) return true;
    if (dot == rest.npos) return false;
    rest.remove_prefix(dot + 1);
  }
}

void addResolved(TargetSet& set, std::string_view name, std::optional<unsigned> prefix,
                 std::string_view token, const HostResolver& resolver) {
  if (!isHostname(name)) throw UsageError("invalid target " + quoted(token));
  std::string hostname(name);
  auto addresses = resolver ? resolver(hostname) : std::vector<IpAddress>{};
  if (addresses.empty()) throw UsageError("could not resolve hostname " + quoted(name));
  for (auto address : addresses) {
    if (prefix) {
      unsigned limit = address.isV4() ? 32 : 128;
      if (*prefix > limit) {
        throw UsageError("prefix length /" + std::to_string(*prefix) + " is too long for " +
                         quoted(token));
      }
      addAddressWithPrefix(set, address, *prefix);
    } else {
      set.add(address);
      set.nameAddress(address, hostname);
    }
  }
}

void addTargetSpecWithin(TargetSet& set, std::string_view token, const HostResolver& resolver,
                         std::size_t& budget) {
  if (token.empty()) throw UsageError("empty target");

  std::string_view body = token;
  std::optional<unsigned> prefix;
  if (auto slash = token.rfind('/'); slash != token.npos) {
    unsigned value = 0;
    if (!parseDecimal(token.substr(slash + 1), 128, value)) {
      throw UsageError("invalid prefix length in " + quoted(token));
    }
    prefix = value;
    body = token.substr(0, slash);
  }
  const bool bracketed = body.size() >= 2 && body.front() == '[' && body.back() == ']';
  if (bracketed) body = body.substr(1, body.size() - 2);

  if (bracketed || body.find(':') != body.npos) {  // brackets are for IPv6 only ("[]" too)
    auto address = IpAddress::parse(body);
    if (!address || !address->isV6()) throw UsageError("invalid IPv6 address " + quoted(token));
    if (prefix && *prefix > 128) throw UsageError("invalid prefix length in " + quoted(token));
    addAddressWithPrefix(set, *address, prefix.value_or(128));
    return;
  }

  // Anything made only of digits, dots, dashes, commas and '*' is numeric: it must be a valid
  // IPv4 address or octet range, never handed to the resolver (which would read "1.2.3" as
  // 1.2.0.3 and "2130706433" as 127.0.0.1).
  if (allOf(body, ".-,*")) {
    if (prefix) {
      auto address = IpAddress::parse(body);
      if (!address) throw UsageError("invalid IPv4 address " + quoted(token));
      if (*prefix > 32) {
        throw UsageError("prefix length /" + std::to_string(*prefix) + " is too long for IPv4 in " +
                         quoted(token) + " (0-32)");
      }
      addAddressWithPrefix(set, *address, *prefix);
    } else {
      addOctetRange(set, body, budget);
    }
    return;
  }
  addResolved(set, body, prefix, token, resolver);
}

}  // namespace

void addTargetSpec(TargetSet& set, std::string_view token, const HostResolver& resolver) {
  std::size_t budget = kMaxTargetIntervals;
  addTargetSpecWithin(set, token, resolver, budget);
}

void addTargetList(TargetSet& set, std::string_view comma_list, const HostResolver& resolver) {
  // One budget for the whole list, so "a,b,c,..." cannot multiply the per-token limit.
  std::size_t budget = kMaxTargetIntervals;
  std::size_t pos = 0;
  while (pos <= comma_list.size()) {
    auto comma = comma_list.find(',', pos);
    auto item = comma_list.substr(pos, comma == comma_list.npos ? comma_list.npos : comma - pos);
    if (item.empty()) throw UsageError("empty item in target list " + quoted(comma_list));
    addTargetSpecWithin(set, item, resolver, budget);
    if (comma == comma_list.npos) break;
    pos = comma + 1;
  }
}

std::vector<std::string> readTargetTokens(std::istream& in) {
  std::vector<std::string> tokens;
  std::string line;
  while (std::getline(in, line)) {
    if (auto hash = line.find('#'); hash != line.npos) line.erase(hash);
    std::size_t pos = 0;
    while (pos < line.size()) {
      while (pos < line.size() && std::isspace(static_cast<unsigned char>(line[pos]))) ++pos;
      std::size_t end = pos;
      while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end]))) ++end;
      if (end > pos) tokens.push_back(line.substr(pos, end - pos));
      pos = end;
    }
  }
  return tokens;
}

}  // namespace portlens::core
