#include "target_policy/forwarded.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace portlens::target_policy {
namespace {

// More hops than any real chain of proxies: a longer list is an attack, not a route.
constexpr std::size_t kMaxHops = 64;

bool isTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isObfuscatedChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
}

bool equalsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// "::ffff:192.0.2.1" is the IPv4 client a dual-stack proxy saw: compare it as IPv4.
core::IpAddress unmapped(const core::IpAddress& address) {
  if (address.isV6() && (address.v6() >> 32) == core::Uint128{0xffff}) {
    return core::IpAddress::fromV4(static_cast<std::uint32_t>(address.v6()));
  }
  return address;
}

// node-port = port / obfport (RFC 7239 section 6).
bool isNodePort(std::string_view port) {
  if (port.empty()) return false;
  if (port.front() == '_') {
    return port.size() > 1 && std::all_of(port.begin() + 1, port.end(), isObfuscatedChar);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return port.size() <= 5 && ec == std::errc{} && end == port.data() + port.size() &&
         value <= 65535;
}

// A node of the for= parameter: IPv4[:port], "[IPv6]"[:port], unknown, _obfuscated[:port].
// nullopt: not a node at all (the header is malformed); a hop without address otherwise.
std::optional<ForwardedHop> parseNode(std::string_view node) {
  std::string_view name = node;
  std::string_view port;
  bool has_port = false;
  if (!node.empty() && node.front() == '[') {
    const auto close = node.find(']');
    if (close == node.npos) return std::nullopt;
    name = node.substr(1, close - 1);
    auto rest = node.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      has_port = true;
    }
    auto address = core::IpAddress::parse(name);
    if (!address || !address->isV6()) return std::nullopt;
    if (has_port && !isNodePort(port)) return std::nullopt;
    return ForwardedHop(unmapped(*address));
  }
  if (const auto colon = node.find(':'); colon != node.npos) {
    name = node.substr(0, colon);
    port = node.substr(colon + 1);
    has_port = true;
  }
  if (has_port && !isNodePort(port)) return std::nullopt;
  if (equalsNoCase(name, "unknown")) return ForwardedHop(std::nullopt);
  if (!name.empty() && name.front() == '_') {
    if (name.size() < 2 || !std::all_of(name.begin() + 1, name.end(), isObfuscatedChar)) {
      return std::nullopt;
    }
    return ForwardedHop(std::nullopt);
  }
  auto address = core::IpAddress::parse(name);
  if (!address || !address->isV4()) return std::nullopt;  // bare IPv6 must be bracketed
  return ForwardedHop(*address);
}

// Reads RFC 7239's grammar over one header value, element by element.
class ForwardedReader {
 public:
  explicit ForwardedReader(std::string_view text) : text_(text) {}

  // Appends the for= hop of every element; false on a syntax error.
  bool readAll(std::vector<ForwardedHop>& hops) {
    while (true) {
      skipSpace();
      if (atEnd()) return true;
      if (peek() == ',') {  // an empty list element
        ++pos_;
        continue;
      }
      std::optional<ForwardedHop> hop;
      if (!readElement(hop)) return false;
      if (hop) {
        if (hops.size() == kMaxHops) return false;
        hops.push_back(*hop);
      }
      skipSpace();
      if (atEnd()) return true;
      if (peek() != ',') return false;
      ++pos_;
    }
  }

 private:
  // forwarded-element = [ pair ] *( ";" [ pair ] ); at most one for= per element.
  bool readElement(std::optional<ForwardedHop>& hop) {
    while (true) {
      skipSpace();
      if (!atEnd() && peek() != ';' && peek() != ',') {
        std::string_view name;
        std::string value;
        if (!readPair(name, value)) return false;
        if (equalsNoCase(name, "for")) {
          if (hop) return false;  // two for= in one element: which one is true?
          auto node = parseNode(value);
          if (!node) return false;
          hop = *node;
        }
        skipSpace();
      }
      if (atEnd() || peek() == ',') return true;
      if (peek() != ';') return false;
      ++pos_;
    }
  }

  bool readPair(std::string_view& name, std::string& value) {
    const auto start = pos_;
    while (!atEnd() && isTokenChar(peek())) ++pos_;
    name = text_.substr(start, pos_ - start);
    if (name.empty() || atEnd() || peek() != '=') return false;
    ++pos_;
    if (!atEnd() && peek() == '"') return readQuoted(value);
    const auto value_start = pos_;
    while (!atEnd() && isTokenChar(peek())) ++pos_;
    value = std::string(text_.substr(value_start, pos_ - value_start));
    return !value.empty();
  }

  // quoted-string with quoted-pairs; control characters other than HTAB are refused.
  bool readQuoted(std::string& value) {
    ++pos_;  // the opening quote
    while (!atEnd()) {
      char c = text_[pos_++];
      if (c == '"') return true;
      if (c == '\\') {
        if (atEnd()) return false;
        c = text_[pos_++];
      }
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return false;
      value += c;
    }
    return false;
  }

  void skipSpace() {
    while (!atEnd() && (peek() == ' ' || peek() == '\t')) ++pos_;
  }
  bool atEnd() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }

  std::string_view text_;
  std::size_t pos_ = 0;
};

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// One X-Forwarded-For item: an address, with or without a port.
ForwardedHop parseXffItem(std::string_view item) {
  if (auto address = core::IpAddress::parse(item)) return unmapped(*address);
  if (!item.empty() && item.front() == '[') {
    auto node = parseNode(item);
    return node ? *node : ForwardedHop(std::nullopt);
  }
  const auto colon = item.find(':');
  if (colon == item.npos || !isNodePort(item.substr(colon + 1))) return std::nullopt;
  auto address = core::IpAddress::parse(item.substr(0, colon));
  if (!address || !address->isV4()) return std::nullopt;
  return *address;
}

bool isTrusted(const core::IpAddress& address, const std::vector<Cidr>& trusted) {
  return std::any_of(trusted.begin(), trusted.end(),
                     [&](const Cidr& cidr) { return cidr.contains(address); });
}

// Walks the chain from the right past trusted proxies (see the header).
core::IpAddress walk(const core::IpAddress& peer, const std::vector<ForwardedHop>& hops,
                     const std::vector<Cidr>& trusted) {
  core::IpAddress current = peer;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (!*it) return current;  // the trusted hop on its right could not name its client
    if (!isTrusted(**it, trusted)) return **it;
    current = **it;
  }
  return current;
}

}  // namespace

std::optional<std::vector<ForwardedHop>> parseForwarded(
    const std::vector<std::string_view>& values) {
  std::vector<ForwardedHop> hops;
  for (auto value : values) {
    if (!ForwardedReader(value).readAll(hops)) return std::nullopt;
  }
  return hops;
}

std::optional<std::vector<ForwardedHop>> parseXForwardedFor(
    const std::vector<std::string_view>& values) {
  std::vector<ForwardedHop> hops;
  for (auto value : values) {
    std::size_t pos = 0;
    while (pos <= value.size()) {
      auto comma = value.find(',', pos);
      if (comma == value.npos) comma = value.size();
      const auto item = trimmed(value.substr(pos, comma - pos));
      if (!item.empty()) {
        if (hops.size() == kMaxHops) return std::nullopt;
        hops.push_back(parseXffItem(item));
      }
      pos = comma + 1;
    }
  }
  return hops;
}

core::IpAddress resolveClientAddress(const core::IpAddress& peer, const ProxyHeaders& headers,
                                     const std::vector<Cidr>& trusted) {
  if (!isTrusted(peer, trusted)) return peer;
  std::optional<core::IpAddress> from_forwarded;
  std::optional<core::IpAddress> from_xff;
  if (!headers.forwarded.empty()) {
    auto hops = parseForwarded(headers.forwarded);
    if (!hops) return peer;
    from_forwarded = walk(peer, *hops, trusted);
  }
  if (!headers.x_forwarded_for.empty()) {
    auto hops = parseXForwardedFor(headers.x_forwarded_for);
    if (!hops) return peer;
    from_xff = walk(peer, *hops, trusted);
  }
  // A proxy that maintains one header passes the other one through from the client: when
  // they disagree, one of them is a forgery and nothing says which.
  if (from_forwarded && from_xff && *from_forwarded != *from_xff) return peer;
  if (from_forwarded) return *from_forwarded;
  if (from_xff) return *from_xff;
  return peer;
}

}  // namespace portlens::target_policy
