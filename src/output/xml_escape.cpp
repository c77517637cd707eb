#include "output/xml_escape.h"

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>

#include "core/screen_safe.h"

namespace portlens::output {

namespace {

// XML 1.0's Char production, minus the three whitespace controls handled separately.
bool allowedInXml(char32_t c) {
  if (c < 0x20) return false;
  if (c == 0x7F) return false;  // allowed by XML but a terminal control; nmap escapes it too
  return c != 0xFFFE && c != 0xFFFF;
}

void appendBytesAsHex(std::string& out, std::string_view bytes) {
  for (char c : bytes) out += fmt::format("\\x{:02X}", static_cast<unsigned char>(c));
}

}  // namespace

std::string xmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t c = 0;
    const std::size_t length = core::decodeUtf8(text, i, c);
    if (length == 0) {
      appendBytesAsHex(out, text.substr(i, 1));
      ++i;
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (allowedInXml(c)) {
          out += text.substr(i, length);
        } else {
          appendBytesAsHex(out, text.substr(i, length));
        }
    }
    i += length;
  }
  return out;
}

std::string xmlCommentText(std::string_view text) {
  const std::string escaped = xmlEscape(text);
  std::string out;
  out.reserve(escaped.size());
  for (char c : escaped) {
    if (c == '-' && !out.empty() && out.back() == '-') {
      out += "&#45;";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace portlens::output
