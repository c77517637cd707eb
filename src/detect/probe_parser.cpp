#include "detect/probe_parser.h"

#include <fmt/format.h>

#include "detect/probe_directives.h"

namespace portlens::detect {
namespace {

class DatabaseBuilder {
 public:
  explicit DatabaseBuilder(std::string_view source_name) {
    db_.source_name = std::string(source_name);
  }

  void addLine(int line_number, std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    LineCursor cursor(db_.source_name, line_number, line);
    cursor.skipSpaces();
    if (cursor.atEnd() || cursor.peek() == '#') return;
    std::size_t keyword_offset = cursor.position();
    std::string_view keyword = cursor.readWord();
    if (keyword == "Exclude") {
      if (excluded_) cursor.fail(keyword_offset, "Exclude may appear only once");
      excluded_ = true;
      parseExcludeDirective(cursor, db_.exclude_tcp, db_.exclude_udp);
      return;
    }
    if (keyword == "Probe") {
      Probe probe = parseProbeDirective(cursor);
      probe.line = line_number;
      if (db_.findProbe(probe.name, probe.protocol)) {
        cursor.fail(keyword_offset, fmt::format("probe '{}' is defined twice", probe.name));
      }
      db_.probes.push_back(std::move(probe));
      return;
    }
    if (db_.probes.empty()) {
      cursor.fail(keyword_offset, fmt::format("'{}' before the first Probe", keyword));
    }
    addToProbe(cursor, keyword, keyword_offset, line_number, db_.probes.back());
  }

  ProbeDatabase finish() {
    for (std::size_t i = 0; i < db_.probes.size(); ++i) {
      if (db_.probes[i].protocol == Protocol::kTcp && db_.probes[i].name == "NULL") {
        db_.null_probe = i;
      }
    }
    for (auto& probe : db_.probes) resolveFallbacks(probe);
    return std::move(db_);
  }

 private:
  void addToProbe(LineCursor& cursor, std::string_view keyword, std::size_t keyword_offset,
                  int line_number, Probe& probe) {
    if (keyword == "match" || keyword == "softmatch") {
      MatchRule rule = parseMatchDirective(cursor, keyword == "softmatch");
      rule.line = line_number;
      probe.matches.push_back(std::move(rule));
    } else if (keyword == "ports") {
      probe.ports = parsePortsDirective(cursor);
    } else if (keyword == "sslports") {
      probe.ssl_ports = parsePortsDirective(cursor);
    } else if (keyword == "rarity") {
      probe.rarity = parseIntegerDirective(cursor, "rarity", 1, 9);
    } else if (keyword == "totalwaitms") {
      probe.total_wait_ms = parseIntegerDirective(cursor, "totalwaitms", 1, 600000);
    } else if (keyword == "tcpwrappedms") {
      probe.tcp_wrapped_ms = parseIntegerDirective(cursor, "tcpwrappedms", 1, 600000);
    } else if (keyword == "fallback") {
      probe.fallback_names = parseFallbackDirective(cursor);
      fallback_lines_.push_back({&probe - db_.probes.data(), line_number, keyword_offset});
    } else {
      cursor.fail(keyword_offset, fmt::format("unknown directive '{}'", keyword));
    }
  }

  // Fallbacks may name probes defined later in the file, so they are resolved at the end.
  void resolveFallbacks(Probe& probe) {
    std::size_t index = &probe - db_.probes.data();
    for (const auto& name : probe.fallback_names) {
      auto found = db_.findProbe(name, probe.protocol);
      if (!found)
        found =
            db_.findProbe(name, probe.protocol == Protocol::kTcp ? Protocol::kUdp : Protocol::kTcp);
      if (!found) failFallback(index, fmt::format("fallback names unknown probe '{}'", name));
      if (*found != index) probe.fallbacks.push_back(*found);
    }
    if (probe.protocol == Protocol::kTcp && db_.null_probe && *db_.null_probe != index) {
      probe.fallbacks.push_back(*db_.null_probe);
    }
  }

  [[noreturn]] void failFallback(std::size_t probe_index, const std::string& message) {
    for (const auto& where : fallback_lines_) {
      if (where.probe == static_cast<std::ptrdiff_t>(probe_index)) {
        LineCursor(db_.source_name, where.line, "").fail(where.offset, message);
      }
    }
    LineCursor(db_.source_name, db_.probes[probe_index].line, "").fail(0, message);
  }

  struct FallbackLine {
    std::ptrdiff_t probe;
    int line;
    std::size_t offset;
  };

  ProbeDatabase db_;
  bool excluded_ = false;
  std::vector<FallbackLine> fallback_lines_;
};

}  // namespace

bool PortRanges::contains(std::uint16_t port) const {
  for (const auto& [low, high] : ranges) {
    if (port >= low && port <= high) return true;
  }
  return false;
}

std::optional<std::size_t> ProbeDatabase::findProbe(std::string_view name,
                                                    Protocol protocol) const {
  for (std::size_t i = 0; i < probes.size(); ++i) {
    if (probes[i].protocol == protocol && probes[i].name == name) return i;
  }
  return std::nullopt;
}

std::size_t ProbeDatabase::matchCount() const {
  std::size_t count = 0;
  for (const auto& probe : probes) count += probe.matches.size();
  return count;
}

ProbeDatabase parseProbeDatabase(std::string_view text, std::string_view source_name) {
  DatabaseBuilder builder(source_name);
  int line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = std::min(text.find('\n', pos), text.size());
    builder.addLine(++line_number, text.substr(pos, end - pos));
    pos = end + 1;
  }
  return builder.finish();
}

}  // namespace portlens::detect
