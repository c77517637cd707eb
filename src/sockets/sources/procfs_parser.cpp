#include "sockets/sources/procfs_parser.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdint>

#include "core/error.h"

namespace portlens::sockets {
namespace {

class Fields {
 public:
  explicit Fields(std::string_view line) : rest_(line) {}
  // The next whitespace-separated field, empty at the end of the line.
  std::string_view next() {
    const auto start = rest_.find_first_not_of(" \t");
    if (start == std::string_view::npos) {
      rest_ = {};
      return {};
    }
    rest_.remove_prefix(start);
    const auto end = std::min(rest_.find_first_of(" \t"), rest_.size());
    const std::string_view field = rest_.substr(0, end);
    rest_.remove_prefix(end);
    return field;
  }

 private:
  std::string_view rest_;
};

template <typename T>
bool parseNumber(std::string_view text, int base, T& value) {
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool parseEndpoint(std::string_view text, core::Family family, core::IpAddress& address,
                   std::uint16_t& port) {
  const std::size_t hex_digits = family == core::Family::kIpv4 ? 8 : 32;
  if (text.size() != hex_digits + 5 || text[hex_digits] != ':') return false;
  if (!parseNumber(text.substr(hex_digits + 1), 16, port)) return false;
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t word = 0; word < hex_digits / 8; ++word) {
    std::uint32_t value = 0;
    if (!parseNumber(text.substr(word * 8, 8), 16, value)) return false;
    for (std::size_t i = 0; i < 4; ++i) {
      bytes[word * 4 + i] = static_cast<std::uint8_t>(value >> (8 * i));  // little-endian word
    }
  }
  if (family == core::Family::kIpv4) {
    address =
        core::IpAddress::fromV4((std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                                (std::uint32_t{bytes[2]} << 8) | bytes[3]);
  } else {
    address = core::IpAddress::fromV6Bytes(bytes);
  }
  return true;
}

bool parseQueues(std::string_view text, SocketRecord& record) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  return parseNumber(text.substr(0, colon), 16, record.send_q) &&
         parseNumber(text.substr(colon + 1), 16, record.recv_q);
}

// "sl local rem st tx:rx tr:when retrnsmt uid timeout inode ..."; false when malformed.
bool parseLine(std::string_view line, core::Family family, SocketRecord& record) {
  Fields fields(line);
  const std::string_view slot = fields.next();
  if (slot.empty() || slot.back() != ':') return false;
  if (!parseEndpoint(fields.next(), family, record.local, record.local_port)) return false;
  if (!parseEndpoint(fields.next(), family, record.peer, record.peer_port)) return false;
  unsigned state_number = 0;
  if (!parseNumber(fields.next(), 16, state_number)) return false;
  const auto state = stateFromNumber(state_number);
  if (!state) return false;
  record.state = *state;
  if (!parseQueues(fields.next(), record)) return false;
  fields.next();  // tr:tm->when
  fields.next();  // retrnsmt
  if (!parseNumber(fields.next(), 10, record.uid)) return false;
  fields.next();  // timeout
  return parseNumber(fields.next(), 10, record.inode);
}

}  // namespace

void parseProcNetTcp(std::string_view text, core::Family family, StateMask states,
                     std::vector<SocketRecord>& out) {
  std::size_t line_number = 0;
  while (!text.empty()) {
    const auto end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    ++line_number;
    if (line_number == 1 || line.find_first_not_of(" \t") == std::string_view::npos) continue;
    SocketRecord record;
    if (!parseLine(line, family, record)) {
      throw core::UsageError(fmt::format("malformed /proc/net/tcp line {}", line_number));
    }
    if (stateBit(record.state) & states) out.push_back(std::move(record));
  }
}

}  // namespace portlens::sockets
