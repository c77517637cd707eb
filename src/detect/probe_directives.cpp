#include "detect/probe_directives.h"

#include <fmt/format.h>

#include <charconv>

namespace portlens::detect {
namespace {

// The rest of the line as one field (ports lists may not contain blanks).
std::string_view readSingleField(LineCursor& cursor, std::string_view what) {
  std::string_view word = cursor.readWord();
  if (word.empty()) cursor.fail(fmt::format("{} needs a value", what));
  cursor.skipSpaces();
  if (!cursor.atEnd()) cursor.fail(fmt::format("unexpected text after the {}", what));
  return word;
}

long parseNumber(const LineCursor& cursor, std::string_view text, std::size_t offset, long max,
                 std::string_view what) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || value < 0 ||
      value > max) {
    cursor.fail(offset, fmt::format("bad {} '{}'", what, text));
  }
  return value;
}

// Adds "N" or "N-M" items separated by commas. With `udp` (Exclude), a T: or U: prefix limits
// the items from there on to one protocol.
void parsePortItems(const LineCursor& cursor, std::string_view list, std::size_t offset,
                    PortRanges* tcp, PortRanges* udp) {
  PortRanges* current_tcp = tcp;
  PortRanges* current_udp = udp;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t comma = std::min(list.find(',', pos), list.size());
    std::string_view item = list.substr(pos, comma - pos);
    std::size_t item_offset = offset + pos;
    if (udp != nullptr && item.size() >= 2 && item[1] == ':') {
      char proto = item[0];
      if (proto == 'T' || proto == 't') {
        current_tcp = tcp, current_udp = nullptr;
      } else if (proto == 'U' || proto == 'u') {
        current_tcp = nullptr, current_udp = udp;
      } else {
        cursor.fail(item_offset, fmt::format("unknown protocol prefix '{}:'", proto));
      }
      item.remove_prefix(2);
      item_offset += 2;
    }
    std::size_t dash = item.find('-');
    std::string_view first = item.substr(0, dash);
    std::string_view last = dash == std::string_view::npos ? first : item.substr(dash + 1);
    auto low = static_cast<std::uint16_t>(parseNumber(cursor, first, item_offset, 65535, "port"));
    auto high = static_cast<std::uint16_t>(
        parseNumber(cursor, last, item_offset + (dash == std::string_view::npos ? 0 : dash + 1),
                    65535, "port"));
    if (high < low) cursor.fail(item_offset, fmt::format("empty port range '{}'", item));
    if (current_tcp != nullptr) current_tcp->ranges.emplace_back(low, high);
    if (current_udp != nullptr) current_udp->ranges.emplace_back(low, high);
    pos = comma + 1;
  }
}

void setField(LineCursor& cursor, VersionTemplate& field, std::string_view text, std::size_t offset,
              char key) {
  if (!field.empty()) cursor.fail(offset, fmt::format("version field '{}' given twice", key));
  field = parseVersionTemplate(text, [&](std::size_t at, const std::string& message) {
    cursor.fail(offset + 2 + at, message);
  });
}

void parseVersionField(LineCursor& cursor, VersionInfo& info) {
  std::size_t start = cursor.position();
  if (cursor.rest().starts_with("cpe:")) {
    cursor.skip(4);
    std::size_t text_offset = cursor.position() + 1;
    std::string_view text = cursor.readDelimited("cpe name");
    std::string_view flags = cursor.readFlags();
    if (flags.find_first_not_of('a') != std::string_view::npos) {
      cursor.fail(cursor.position() - flags.size(), fmt::format("unknown cpe flag in '{}'", flags));
    }
    auto tmpl = parseVersionTemplate(text, [&](std::size_t at, const std::string& message) {
      cursor.fail(text_offset + at, message);
    });
    // The stored template yields the whole name: "cpe:/" + "a:vendor:product:$1".
    VersionTemplate& cpe = info.cpes.emplace_back();
    cpe.pieces.emplace_back().text = "cpe:/";
    for (auto& piece : tmpl.pieces) cpe.pieces.push_back(std::move(piece));
    cursor.expectEndOrSpace("cpe name");
    return;
  }
  char key = cursor.peek();
  VersionTemplate* field = nullptr;
  switch (key) {
    case 'p':
      field = &info.product;
      break;
    case 'v':
      field = &info.version;
      break;
    case 'i':
      field = &info.info;
      break;
    case 'h':
      field = &info.hostname;
      break;
    case 'o':
      field = &info.ostype;
      break;
    case 'd':
      field = &info.devicetype;
      break;
    default:
      cursor.fail(fmt::format("unknown version field starting with '{}'", key));
  }
  cursor.skip(1);
  std::string_view text = cursor.readDelimited(fmt::format("{}// field", key));
  setField(cursor, *field, text, start, key);
  cursor.expectEndOrSpace("version field");
}

}  // namespace

Probe parseProbeDirective(LineCursor& cursor) {
  Probe probe;
  std::size_t protocol_offset = (cursor.skipSpaces(), cursor.position());
  std::string_view protocol = cursor.readWord();
  if (protocol == "TCP") {
    probe.protocol = Protocol::kTcp;
  } else if (protocol == "UDP") {
    probe.protocol = Protocol::kUdp;
  } else {
    cursor.fail(protocol_offset,
                fmt::format("probe protocol must be TCP or UDP, not '{}'", protocol));
  }
  probe.name = std::string(cursor.readWord());
  if (probe.name.empty()) cursor.fail("Probe needs a name");
  cursor.skipSpaces();
  if (cursor.peek() != 'q') cursor.fail("expected the probe string q|...|");
  cursor.skip(1);
  std::size_t text_offset = cursor.position() + 1;
  std::string_view text = cursor.readDelimited("probe string");
  probe.payload = unescapeProbeString(cursor, text, text_offset);
  cursor.expectEndOrSpace("probe string");
  std::size_t option_offset = (cursor.skipSpaces(), cursor.position());
  std::string_view option = cursor.readWord();
  if (option == "no-payload") {
    probe.no_payload = true;
  } else if (!option.empty()) {
    cursor.fail(option_offset, fmt::format("unknown probe option '{}'", option));
  }
  cursor.skipSpaces();
  if (!cursor.atEnd()) cursor.fail("unexpected text after the probe");
  return probe;
}

MatchRule parseMatchDirective(LineCursor& cursor, bool soft) {
  MatchRule rule;
  rule.soft = soft;
  rule.service = std::string(cursor.readWord());
  if (rule.service.empty()) cursor.fail("match needs a service name");
  cursor.skipSpaces();
  if (cursor.peek() != 'm') cursor.fail("expected the pattern m/.../");
  cursor.skip(1);
  rule.pattern = std::string(cursor.readDelimited("pattern"));
  std::string_view flags = cursor.readFlags();
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if (flags[i] == 'i') {
      rule.caseless = true;
    } else if (flags[i] == 's') {
      rule.dotall = true;
    } else {
      cursor.fail(cursor.position() - flags.size() + i,
                  fmt::format("unknown pattern option '{}' (only i and s)", flags[i]));
    }
  }
  cursor.expectEndOrSpace("pattern");
  while (cursor.skipSpaces(), !cursor.atEnd()) {
    parseVersionField(cursor, rule.version_info);
  }
  return rule;
}

PortRanges parsePortsDirective(LineCursor& cursor) {
  cursor.skipSpaces();
  std::size_t offset = cursor.position();
  std::string_view list = readSingleField(cursor, "port list");
  PortRanges ports;
  parsePortItems(cursor, list, offset, &ports, nullptr);
  return ports;
}

void parseExcludeDirective(LineCursor& cursor, PortRanges& tcp, PortRanges& udp) {
  cursor.skipSpaces();
  std::size_t offset = cursor.position();
  std::string_view list = readSingleField(cursor, "port list");
  parsePortItems(cursor, list, offset, &tcp, &udp);
}

int parseIntegerDirective(LineCursor& cursor, std::string_view what, int min, int max) {
  cursor.skipSpaces();
  std::size_t offset = cursor.position();
  std::string_view word = readSingleField(cursor, what);
  long value = parseNumber(cursor, word, offset, max, what);
  if (value < min) cursor.fail(offset, fmt::format("{} must be {}-{}", what, min, max));
  return static_cast<int>(value);
}

std::vector<std::string> parseFallbackDirective(LineCursor& cursor) {
  cursor.skipSpaces();
  std::size_t offset = cursor.position();
  std::string_view list = readSingleField(cursor, "fallback list");
  std::vector<std::string> names;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t comma = std::min(list.find(',', pos), list.size());
    if (comma == pos) cursor.fail(offset + pos, "empty probe name in the fallback list");
    names.emplace_back(list.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return names;
}

}  // namespace portlens::detect
