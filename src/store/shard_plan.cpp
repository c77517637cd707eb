#include "store/shard_plan.h"

#include <algorithm>

namespace portlens::store {
namespace {

std::uint64_t ceilDiv(std::uint64_t a, std::uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

// Slice i of n over `size` items: [i*size/n, (i+1)*size/n), without overflow for the sizes a
// scan may have (hosts x ports is capped far below 2^64 / kMaxShards by the policy).
std::uint64_t sliceStart(std::uint64_t i, std::uint64_t n, std::uint64_t size) {
  return static_cast<std::uint64_t>(static_cast<unsigned __int128>(size) * i / n);
}

}  // namespace

std::vector<ShardRange> splitScan(std::uint64_t hosts, std::uint64_t ports,
                                  std::uint64_t pairs_per_shard) {
  if (hosts == 0 || ports == 0) return {ShardRange{0, hosts, 0, ports}};
  const std::uint64_t per = std::max<std::uint64_t>(pairs_per_shard, 1);
  const auto pairs = static_cast<unsigned __int128>(hosts) * ports;
  const auto wanted =
      static_cast<std::uint64_t>(std::min<unsigned __int128>(kMaxShards, (pairs + per - 1) / per));
  const std::uint64_t count = std::max<std::uint64_t>(wanted, 1);
  const std::uint64_t host_slices = std::min(hosts, count);
  const std::uint64_t port_slices = std::min(ports, ceilDiv(count, host_slices));
  std::vector<ShardRange> out;
  out.reserve(host_slices * port_slices);
  for (std::uint64_t h = 0; h < host_slices; ++h) {
    for (std::uint64_t p = 0; p < port_slices; ++p) {
      out.push_back({sliceStart(h, host_slices, hosts), sliceStart(h + 1, host_slices, hosts),
                     sliceStart(p, port_slices, ports), sliceStart(p + 1, port_slices, ports)});
    }
  }
  return out;
}

core::TargetSet hostSlice(const core::TargetSet& targets, std::uint64_t begin, std::uint64_t end) {
  core::TargetSet out;
  end = std::min(end, targets.size());
  if (begin >= end) return out;
  // Whole intervals at a time: a slice of a /8 is added as a few ranges, not address by address.
  std::uint64_t index = 0;
  auto take = [&](auto first, auto last, auto fromValue) {
    const auto length = static_cast<std::uint64_t>(last - first) + 1;
    const std::uint64_t lo = std::max(begin, index);
    const std::uint64_t hi = std::min(end, index + length);
    if (lo < hi) {
      out.add(fromValue(first + static_cast<decltype(first)>(lo - index)),
              fromValue(first + static_cast<decltype(first)>(hi - 1 - index)));
    }
    index += length;
  };
  for (const auto& iv : targets.v4().intervals()) {
    take(iv.first, iv.last, [](std::uint32_t v) { return core::IpAddress::fromV4(v); });
  }
  for (const auto& iv : targets.v6().intervals()) {
    take(iv.first, iv.last, [](core::Uint128 v) { return core::IpAddress::fromV6(v); });
  }
  // Names belong to single addresses typed by the user: few, so look each one up.
  if (out.size() <= 4096) {
    for (std::uint64_t i = 0; i < out.size(); ++i) {
      const auto address = out.at(i);
      if (const auto& name = targets.hostnameOf(address); !name.empty()) {
        out.nameAddress(address, name);
      }
    }
  }
  return out;
}

core::PortSet portSlice(const core::PortSet& ports, std::uint64_t begin, std::uint64_t end) {
  core::PortSet out;
  const auto& list = ports.ports();
  end = std::min<std::uint64_t>(end, list.size());
  for (std::uint64_t i = begin; i < end; ++i) out.add(list[i]);
  return out;
}

}  // namespace portlens::store
