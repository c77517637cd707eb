#include "target_policy/special_ranges.h"

#include <stdexcept>
#include <vector>

namespace portlens::target_policy {
namespace {

struct RangeText {
  std::string_view cidr;
  std::string_view why;
};

// Sources: RFC 6890 (special-purpose registries), RFC 1918, RFC 6598 (CGNAT), RFC 5737 and
// RFC 3849/9637 (documentation), RFC 2544/5180 (benchmarking), RFC 4291 (mapped),
// RFC 6052/8215 (translated), RFC 6145 (SIIT), RFC 4193 (ULA).
constexpr RangeText kRanges[] = {
    {"169.254.169.254/32", "the cloud metadata service address (link-local)"},
    {"0.0.0.0/8", "\"this network\" (RFC 6890), not a host"},
    {"10.0.0.0/8", "a private network (RFC 1918)"},
    {"100.64.0.0/10", "carrier-grade NAT shared space (RFC 6598)"},
    {"127.0.0.0/8", "loopback"},
    {"169.254.0.0/16", "link-local"},
    {"172.16.0.0/12", "a private network (RFC 1918)"},
    {"192.0.0.0/24", "IETF protocol assignments (reserved)"},
    {"192.0.2.0/24", "documentation (TEST-NET-1, RFC 5737)"},
    {"192.88.99.0/24", "the deprecated 6to4 relay anycast block (reserved)"},
    {"192.168.0.0/16", "a private network (RFC 1918)"},
    {"198.18.0.0/15", "benchmarking (RFC 2544)"},
    {"198.51.100.0/24", "documentation (TEST-NET-2, RFC 5737)"},
    {"203.0.113.0/24", "documentation (TEST-NET-3, RFC 5737)"},
    {"224.0.0.0/4", "multicast"},
    {"240.0.0.0/4", "reserved (240/4 and broadcast)"},
    {"::1/128", "IPv6 loopback"},
    {"::/128", "the unspecified IPv6 address"},
    {"::ffff:0:0/96", "an IPv4-mapped IPv6 address"},
    {"::/96", "an IPv4-compatible IPv6 address (deprecated)"},
    {"::ffff:0:0:0/96", "an IPv4-translated IPv6 address (SIIT)"},
    {"64:ff9b::/96", "an IPv4-translated IPv6 address (NAT64, RFC 6052)"},
    {"64:ff9b:1::/48", "an IPv4-translated IPv6 address (local NAT64, RFC 8215)"},
    {"100::/64", "the IPv6 discard prefix (RFC 6666)"},
    {"2001::/32", "Teredo (IPv4 tunnelled in IPv6)"},
    {"2001:2::/48", "benchmarking (RFC 5180)"},
    {"2001:db8::/32", "documentation (RFC 3849)"},
    {"2001::/23", "IETF protocol assignments (reserved)"},
    {"2002::/16", "6to4 (IPv4 tunnelled in IPv6)"},
    {"3fff::/20", "documentation (RFC 9637)"},
    {"fc00::/7", "an IPv6 unique local address (ULA)"},
    {"fe80::/10", "IPv6 link-local"},
    {"fec0::/10", "IPv6 site-local (deprecated)"},
    {"ff00::/8", "IPv6 multicast"},
    // Everything outside global unicast 2000::/3 that the lines above do not name.
    {"::/3", "reserved IPv6 space (outside global unicast 2000::/3)"},
    {"4000::/2", "reserved IPv6 space (outside global unicast 2000::/3)"},
    {"8000::/1", "reserved IPv6 space (outside global unicast 2000::/3)"},
};

std::vector<SpecialRange> buildTable() {
  std::vector<SpecialRange> table;
  for (const auto& range : kRanges) {
    auto block = parseCidr(range.cidr);
    if (!block) throw std::logic_error("bad special range " + std::string(range.cidr));
    table.push_back({*block, range.why});
  }
  return table;
}

}  // namespace

std::span<const SpecialRange> specialRanges() {
  static const std::vector<SpecialRange> table = buildTable();
  return table;
}

std::optional<SpecialRange> firstSpecialOverlap(const core::IpAddress& first,
                                                const core::IpAddress& last) {
  for (const auto& range : specialRanges()) {
    if (range.block.first.family() != first.family()) continue;
    if (range.block.first <= last && first <= range.block.last) return range;
  }
  return std::nullopt;
}

}  // namespace portlens::target_policy
