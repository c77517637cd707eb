#include "net/proc_status.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace portlens::net {
namespace {

// The value part of "Name:\tvalue..." for the line that starts with `name`, or nullopt.
std::optional<std::string_view> field(std::string_view text, std::string_view name) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (line.size() > name.size() && line.substr(0, name.size()) == name &&
        line[name.size()] == ':') {
      std::string_view value = line.substr(name.size() + 1);
      while (!value.empty() && (value.front() == '\t' || value.front() == ' ')) {
        value.remove_prefix(1);
      }
      return value;
    }
    start = end + 1;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> hexMask(std::string_view text, std::string_view name) {
  auto value = field(text, name);
  // The kernel prints exactly 16 hex digits; anything else is not a status file.
  if (!value || value->size() != 16) return std::nullopt;
  std::uint64_t mask = 0;
  auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), mask, 16);
  if (error != std::errc() || end != value->data() + value->size()) return std::nullopt;
  return mask;
}

// "Uid:\treal\teffective\tsaved\tfs": the first two numbers.
bool ids(std::string_view text, std::string_view name, std::uint32_t& real,
         std::uint32_t& effective) {
  auto value = field(text, name);
  if (!value) return false;
  const char* at = value->data();
  const char* end = value->data() + value->size();
  for (std::uint32_t* out : {&real, &effective}) {
    while (at < end && (*at == '\t' || *at == ' ')) ++at;
    auto [next, error] = std::from_chars(at, end, *out);
    if (error != std::errc()) return false;
    at = next;
  }
  return true;
}

}  // namespace

std::optional<ProcCredentials> parseProcStatus(std::string_view text) {
  ProcCredentials out;
  if (!ids(text, "Uid", out.real_uid, out.effective_uid)) return std::nullopt;
  if (!ids(text, "Gid", out.real_gid, out.effective_gid)) return std::nullopt;
  const std::pair<std::string_view, std::uint64_t*> masks[] = {
      {"CapInh", &out.inheritable}, {"CapPrm", &out.permitted}, {"CapEff", &out.effective},
      {"CapBnd", &out.bounding},    {"CapAmb", &out.ambient},
  };
  for (const auto& [name, target] : masks) {
    auto mask = hexMask(text, name);
    if (!mask) return std::nullopt;
    *target = *mask;
  }
  return out;
}

std::optional<ProcCredentials> readOwnStatus() {
  std::ifstream in("/proc/self/status");
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return parseProcStatus(text.str());
}

}  // namespace portlens::net
