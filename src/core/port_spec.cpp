#include "core/port_spec.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include "core/error.h"

namespace portlens::core {
namespace {

std::string quoted(std::string_view token) { return "'" + std::string(token) + "'"; }

// Parses a decimal port number; throws naming `token` on anything else.
std::uint16_t parsePortNumber(std::string_view digits, std::string_view token) {
  if (digits.empty() || digits.size() > 5 ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
    throw UsageError("invalid port " + quoted(digits) + " in port spec " + quoted(token));
  }
  unsigned value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (value > 65535) {
    throw UsageError("port " + std::string(digits) + " is out of range (0-65535) in " +
                     quoted(token));
  }
  return static_cast<std::uint16_t>(value);
}

bool looksLikeName(std::string_view item) {
  return std::any_of(item.begin(), item.end(), [](unsigned char c) { return std::isalpha(c); });
}

void addItem(PortSet& ports, std::string_view item, std::string_view spec,
             const ServiceLookup& lookup) {
  if (item.empty()) throw UsageError("empty item in port spec " + quoted(spec) + " (stray comma?)");
  if (looksLikeName(item)) {
    if (item.find_first_of("*?[]") != std::string_view::npos) {
      throw UsageError("service-name wildcards are not supported: " + quoted(item));
    }
    auto found = lookup ? lookup(item) : std::vector<std::uint16_t>{};
    if (found.empty()) throw UsageError("unknown service name " + quoted(item));
    for (auto port : found) ports.add(port);
    return;
  }
  auto dash = item.find('-');
  if (dash == std::string_view::npos) {
    ports.add(parsePortNumber(item, item));
    return;
  }
  // Open-ended ranges start at 1 and end at 65535; 0 is scanned only when named.
  auto left = item.substr(0, dash);
  auto right = item.substr(dash + 1);
  std::uint16_t first = left.empty() ? 1 : parsePortNumber(left, item);
  std::uint16_t last = right.empty() ? 65535 : parsePortNumber(right, item);
  if (first > last) {
    throw UsageError("reversed port range " + quoted(item) + " (start is above end)");
  }
  ports.add(first, last);
}

}  // namespace

PortSet parsePortSpec(std::string_view spec, const ServiceLookup& lookup) {
  if (spec.empty()) throw UsageError("empty port spec");
  PortSet ports;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    auto comma = spec.find(',', pos);
    auto item = spec.substr(pos, comma == std::string_view::npos ? spec.npos : comma - pos);
    // nmap's protocol prefixes: T: is TCP (ours); U: (UDP), S: (SCTP) and P: are not.
    if (item.size() >= 2 && item[1] == ':') {
      char proto = static_cast<char>(std::toupper(static_cast<unsigned char>(item[0])));
      if (proto != 'T') {
        throw UsageError("only TCP ports can be scanned; " + quoted(item.substr(0, 2)) +
                         " selects another protocol");
      }
      item.remove_prefix(2);
    }
    addItem(ports, item, spec, lookup);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return ports;
}

}  // namespace portlens::core
