#include "output/xml_escape.h"

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>

namespace portlens::output {

namespace {

// Length of the valid UTF-8 sequence at text[i] and its code point, or 0 when the bytes there
// are not valid UTF-8 (truncated, overlong, surrogate or beyond U+10FFFF).
std::size_t decodeUtf8(std::string_view text, std::size_t i, char32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  char32_t minimum = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, minimum = 0x80, code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, minimum = 0x800, code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, minimum = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3F);
  }
  if (code_point < minimum || code_point > 0x10FFFF) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  return length;
}

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
    const std::size_t length = decodeUtf8(text, i, c);
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
