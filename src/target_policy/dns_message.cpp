#include "target_policy/dns_message.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

namespace portlens::target_policy {
namespace {

constexpr int kMaxJumps = 16;
constexpr std::size_t kMaxName = 255;
constexpr std::size_t kHeaderSize = 12;

std::uint16_t read16(std::span<const std::uint8_t> m, std::size_t at) {
  if (at + 2 > m.size()) throw DnsError("DNS answer truncated");
  return static_cast<std::uint16_t>(m[at] << 8 | m[at + 1]);
}

// Reads the (possibly compressed) name at `at` into `out` (lower case, dot-separated);
// returns the offset just past the name where it started.
std::size_t readName(std::span<const std::uint8_t> m, std::size_t at, std::string& out) {
  out.clear();
  std::size_t end = 0;  // set at the first jump
  int jumps = 0;
  std::size_t wire_length = 1;
  for (;;) {
    if (at >= m.size()) throw DnsError("DNS name runs past the message");
    const std::uint8_t len = m[at];
    if ((len & 0xC0) == 0xC0) {
      const std::size_t target = read16(m, at) & 0x3FFF;
      // Backwards only, and a bounded number of times: no loops.
      if (target >= at || ++jumps > kMaxJumps) throw DnsError("bad DNS compression pointer");
      if (end == 0) end = at + 2;
      at = target;
      continue;
    }
    if ((len & 0xC0) != 0) throw DnsError("unknown DNS label type");
    if (len == 0) return end != 0 ? end : at + 1;
    wire_length += len + 1;
    if (wire_length > kMaxName || at + 1 + len > m.size()) throw DnsError("DNS name too long");
    if (!out.empty()) out += '.';
    for (std::size_t i = 0; i < len; ++i) {
      out += static_cast<char>(std::tolower(m[at + 1 + i]));
    }
    at += 1 + len;
  }
}

std::string joinTxt(std::span<const std::uint8_t> rdata) {
  std::string text;
  std::size_t at = 0;
  while (at < rdata.size()) {
    const std::size_t len = rdata[at];
    if (at + 1 + len > rdata.size()) throw DnsError("TXT string runs past its record");
    text.append(reinterpret_cast<const char*>(rdata.data() + at + 1), len);
    at += 1 + len;
  }
  return text;
}

}  // namespace

std::string canonicalDnsName(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::uint8_t> buildDnsQuery(std::uint16_t id, std::string_view name, DnsType type) {
  const std::string canonical = canonicalDnsName(name);
  if (canonical.empty() || canonical.size() > 253) throw DnsError("bad DNS name length");
  std::vector<std::uint8_t> q = {static_cast<std::uint8_t>(id >> 8),
                                 static_cast<std::uint8_t>(id & 0xFF),
                                 0x01,
                                 0x00,  // RD
                                 0,
                                 1,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0};
  std::size_t pos = 0;
  while (pos <= canonical.size()) {
    auto dot = canonical.find('.', pos);
    if (dot == std::string::npos) dot = canonical.size();
    const std::size_t len = dot - pos;
    if (len == 0 || len > 63) throw DnsError("bad DNS label in '" + canonical + "'");
    q.push_back(static_cast<std::uint8_t>(len));
    q.insert(q.end(), canonical.begin() + static_cast<std::ptrdiff_t>(pos),
             canonical.begin() + static_cast<std::ptrdiff_t>(dot));
    pos = dot + 1;
  }
  const auto t = static_cast<std::uint16_t>(type);
  q.insert(q.end(), {0, static_cast<std::uint8_t>(t >> 8), static_cast<std::uint8_t>(t & 0xFF), 0,
                     1});  // the root label, QTYPE, QCLASS IN
  return q;
}

DnsAnswer parseDnsAnswer(std::span<const std::uint8_t> m, std::uint16_t id, std::string_view name,
                         DnsType type) {
  if (m.size() < kHeaderSize || m.size() > 65535) throw DnsError("DNS answer too short");
  if (read16(m, 0) != id || (m[2] & 0x80) == 0) throw DnsError("not the answer to our query");
  if ((m[2] & 0x02) != 0) throw DnsError("DNS answer truncated (TC)");
  DnsAnswer answer;
  answer.rcode = m[3] & 0x0F;
  if (read16(m, 4) != 1) throw DnsError("DNS answer without our question");
  const std::string asked = canonicalDnsName(name);
  std::string owner;
  std::size_t at = readName(m, kHeaderSize, owner);
  if (owner != asked || read16(m, at) != static_cast<std::uint16_t>(type)) {
    throw DnsError("DNS answer to another question");
  }
  at += 4;
  std::set<std::string> names = {asked};  // the asked name and the CNAME targets it leads to
  const unsigned count = read16(m, 6);
  std::string target;
  for (unsigned i = 0; i < count; ++i) {
    at = readName(m, at, owner);
    const std::uint16_t rtype = read16(m, at);
    const std::size_t rdlength = read16(m, at + 8);
    const std::size_t rdata = at + 10;
    if (rdata + rdlength > m.size()) throw DnsError("DNS record runs past the message");
    at = rdata + rdlength;
    if (read16(m, rdata - 8) != 1 || names.count(owner) == 0) continue;  // class IN, our name
    const auto data = m.subspan(rdata, rdlength);
    if (rtype == static_cast<std::uint16_t>(DnsType::kCname)) {
      if (readName(m, rdata, target) > rdata + rdlength) throw DnsError("bad CNAME record");
      names.insert(target);
    } else if (rtype != static_cast<std::uint16_t>(type)) {
      continue;
    } else if (type == DnsType::kTxt) {
      answer.texts.push_back(joinTxt(data));
    } else if (type == DnsType::kA && rdlength == 4) {
      std::uint32_t v4 = 0;
      for (const std::uint8_t byte : data) v4 = v4 << 8 | byte;
      answer.addresses.push_back(core::IpAddress::fromV4(v4));
    } else if (type == DnsType::kAaaa && rdlength == 16) {
      std::array<std::uint8_t, 16> bytes{};
      std::copy(data.begin(), data.end(), bytes.begin());
      answer.addresses.push_back(core::IpAddress::fromV6Bytes(bytes));
    } else {
      throw DnsError("address record of the wrong size");
    }
  }
  return answer;
}

}  // namespace portlens::target_policy
