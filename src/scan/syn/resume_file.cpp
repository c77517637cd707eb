#include "scan/syn/resume_file.h"

#include <fmt/core.h>

#include <cstring>
#include <sstream>

#include "scan/siphash.h"

namespace portlens::scan::syn {
namespace {

constexpr const char* kMagic = "portlens-resume 1";

std::string targetDigest(const core::TargetSet& targets) {
  // A keyed hash with a fixed key is fine here: it detects mistakes, not attackers.
  std::string text;
  for (const auto& iv : targets.v4().intervals()) {
    text += fmt::format("{}-{},", iv.first, iv.last);
  }
  for (const auto& iv : targets.v6().intervals()) {
    const auto hi = [](core::Uint128 v) { return static_cast<std::uint64_t>(v >> 64); };
    const auto lo = [](core::Uint128 v) { return static_cast<std::uint64_t>(v); };
    text += fmt::format("{:x}{:016x}-{:x}{:016x},", hi(iv.first), lo(iv.first), hi(iv.last),
                        lo(iv.last));
  }
  const auto* data = reinterpret_cast<const std::uint8_t*>(text.data());
  return fmt::format("{}:{:016x}", targets.size(),
                     sipHash24({0x706f72746c656e73ULL, 1}, {data, text.size()}));
}

}  // namespace

ScanFingerprint fingerprintOf(std::uint64_t seed, const Shard& shard,
                              const core::TargetSet& targets, const core::PortSet& ports) {
  return {seed, fmt::format("{}/{}", shard.index, shard.count), targetDigest(targets),
          ports.toString()};
}

std::string encodeResume(const ScanFingerprint& fingerprint, const ResumePoint& point) {
  std::string out =
      fmt::format("{}\nseed {}\nshard {}\ntargets {}\nports {}\nround {}\nnext {}\nwords {}\n",
                  kMagic, fingerprint.seed, fingerprint.shard, fingerprint.targets,
                  fingerprint.ports, point.round, point.next_ordinal, point.states.size());
  const std::size_t header = out.size();
  out.resize(header + point.states.size() * sizeof(std::uint64_t));
  std::memcpy(out.data() + header, point.states.data(),
              point.states.size() * sizeof(std::uint64_t));
  return out;
}

std::optional<ResumePoint> decodeResume(const std::string& bytes, const ScanFingerprint& expected,
                                        std::string& error) {
  std::size_t offset = 0;
  auto line = [&]() -> std::optional<std::string> {
    const auto end = bytes.find('\n', offset);
    if (end == std::string::npos) return std::nullopt;
    std::string text = bytes.substr(offset, end - offset);
    offset = end + 1;
    return text;
  };
  auto field = [&](const char* name) -> std::optional<std::string> {
    auto text = line();
    const std::string prefix = std::string(name) + " ";
    if (!text || text->rfind(prefix, 0) != 0) return std::nullopt;
    return text->substr(prefix.size());
  };
  if (line() != std::string(kMagic)) {
    error = "not a Portlens resume file";
    return std::nullopt;
  }
  auto seed = field("seed");
  auto shard = field("shard");
  auto targets = field("targets");
  auto ports = field("ports");
  auto round = field("round");
  auto next = field("next");
  auto words = field("words");
  if (!seed || !shard || !targets || !ports || !round || !next || !words) {
    error = "the resume file is truncated or damaged";
    return std::nullopt;
  }
  try {
    ScanFingerprint found{std::stoull(*seed), *shard, *targets, *ports};
    if (!(found == expected)) {
      error = "the resume file belongs to another scan (targets, ports, --seed or --shard differ)";
      return std::nullopt;
    }
    ResumePoint point;
    point.round = static_cast<unsigned>(std::stoul(*round));
    point.next_ordinal = std::stoull(*next);
    const std::size_t count = std::stoull(*words);
    if (point.round < 1 || point.round > kMaxRounds ||
        bytes.size() - offset != count * sizeof(std::uint64_t)) {
      error = "the resume file is truncated or damaged";
      return std::nullopt;
    }
    point.states.resize(count);
    std::memcpy(point.states.data(), bytes.data() + offset, count * sizeof(std::uint64_t));
    return point;
  } catch (const std::exception&) {
    error = "the resume file is truncated or damaged";
    return std::nullopt;
  }
}

}  // namespace portlens::scan::syn
