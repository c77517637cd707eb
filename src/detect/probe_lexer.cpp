#include "detect/probe_lexer.h"

#include <fmt/format.h>

#include "core/error.h"

namespace portlens::detect {
namespace {

bool isBlank(char c) { return c == ' ' || c == '\t'; }

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool LineCursor::skipSpaces() {
  std::size_t start = pos_;
  while (!atEnd() && isBlank(line_[pos_])) ++pos_;
  return pos_ != start;
}

std::string_view LineCursor::readWord() {
  skipSpaces();
  std::size_t start = pos_;
  while (!atEnd() && !isBlank(line_[pos_])) ++pos_;
  return line_.substr(start, pos_ - start);
}

std::string_view LineCursor::readDelimited(std::string_view what) {
  if (atEnd() || isBlank(peek())) fail(fmt::format("expected a delimiter to open the {}", what));
  char delimiter = line_[pos_];
  std::size_t start = pos_ + 1;
  std::size_t end = line_.find(delimiter, start);
  if (end == std::string_view::npos) {
    fail(pos_, fmt::format("{} opened with '{}' is not closed on this line", what, delimiter));
  }
  pos_ = end + 1;
  return line_.substr(start, end - start);
}

std::string_view LineCursor::readFlags() {
  std::size_t start = pos_;
  while (!atEnd() && ((peek() >= 'a' && peek() <= 'z') || (peek() >= 'A' && peek() <= 'Z'))) {
    ++pos_;
  }
  return line_.substr(start, pos_ - start);
}

void LineCursor::expectEndOrSpace(std::string_view what) {
  if (!atEnd() && !isBlank(peek())) fail(fmt::format("unexpected text after the {}", what));
}

void LineCursor::fail(std::size_t column_offset, const std::string& message) const {
  throw core::UsageError(
      fmt::format("{}:{}:{}: {}", file_, line_number_, column_offset + 1, message));
}

std::string unescapeProbeString(const LineCursor& cursor, std::string_view text,
                                std::size_t offset) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 1 >= text.size()) cursor.fail(offset + i, "a probe string cannot end with '\\'");
    char c = text[++i];
    switch (c) {
      case '\\':
        out.push_back('\\');
        break;
      case '0':
        out.push_back('\0');
        break;  // one NUL; "\00" is NUL then '0', not octal
      case 'a':
        out.push_back('\a');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case 'x': {
        int hi = i + 1 < text.size() ? hexValue(text[i + 1]) : -1;
        int lo = i + 2 < text.size() ? hexValue(text[i + 2]) : -1;
        if (hi < 0 || lo < 0) cursor.fail(offset + i - 1, "\\x needs two hex digits");
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        break;
      }
      default:
        cursor.fail(offset + i - 1, fmt::format("unknown escape '\\{}' in a probe string", c));
    }
  }
  return out;
}

}  // namespace portlens::detect
