#include "registry/nmap_services.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <string>
#include <unordered_map>

namespace portlens::registry {
namespace {

bool parsePort(std::string_view text, std::uint16_t& port) {
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

bool parseFrequency(std::string_view text, double& frequency) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), frequency);
  return ec == std::errc{} && ptr == text.data() + text.size() && std::isfinite(frequency) &&
         frequency >= 0.0;
}

}  // namespace

std::vector<NmapFrequency> parseNmapServices(std::istream& in) {
  std::vector<NmapFrequency> result;
  std::unordered_map<std::uint16_t, std::size_t> index;  // port -> position in result
  std::string line;
  while (std::getline(in, line)) {
    if (const std::size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string name, port_proto, frequency_text;
    if (!(fields >> name >> port_proto >> frequency_text)) continue;

    const std::size_t slash = port_proto.find('/');
    if (slash == std::string::npos ||
        port_proto.compare(slash + 1, std::string::npos, "tcp") != 0) {
      continue;
    }
    NmapFrequency entry;
    if (!parsePort(std::string_view(port_proto).substr(0, slash), entry.port) ||
        !parseFrequency(frequency_text, entry.frequency)) {
      continue;
    }
    if (const auto it = index.find(entry.port); it != index.end()) {
      double& kept = result[it->second].frequency;
      kept = std::max(kept, entry.frequency);
      continue;
    }
    index.emplace(entry.port, result.size());
    result.push_back(entry);
  }
  return result;
}

std::vector<std::uint16_t> rankByFrequency(const std::vector<NmapFrequency>& frequencies,
                                           const std::vector<std::uint16_t>& fallback) {
  constexpr std::size_t kPortCount = 65536;
  std::vector<std::uint32_t> fallback_rank(kPortCount, 0);
  for (std::size_t i = 0; i < fallback.size(); ++i) {
    fallback_rank[fallback[i]] = static_cast<std::uint32_t>(i);
  }

  std::vector<NmapFrequency> listed;
  listed.reserve(frequencies.size());
  for (const NmapFrequency& entry : frequencies) {
    if (entry.port != 0) listed.push_back(entry);
  }
  std::sort(listed.begin(), listed.end(), [&](const NmapFrequency& a, const NmapFrequency& b) {
    if (a.frequency != b.frequency) return a.frequency > b.frequency;
    return fallback_rank[a.port] < fallback_rank[b.port];
  });

  std::vector<bool> placed(kPortCount, false);
  std::vector<std::uint16_t> ranking;
  ranking.reserve(kPortCount);
  for (const NmapFrequency& entry : listed) {
    if (placed[entry.port]) continue;  // callers may pass duplicates; first (best) wins
    placed[entry.port] = true;
    ranking.push_back(entry.port);
  }
  for (std::uint16_t port : fallback) {
    if (port == 0 || placed[port]) continue;
    placed[port] = true;
    ranking.push_back(port);
  }
  for (std::uint32_t port = 1; port < kPortCount; ++port) {  // a short fallback loses nothing
    if (!placed[port]) ranking.push_back(static_cast<std::uint16_t>(port));
  }
  ranking.push_back(0);
  return ranking;
}

}  // namespace portlens::registry
