// Reads the fields of one line of a probe file: words, delimited fields (q|...|, m/.../,
// p/.../, cpe:/.../), flags and probe-string escapes. Used only by the probe file parser.
// Every error throws core::UsageError "FILE:LINE:COLUMN: message" (1-based line and column).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace portlens::detect {

class LineCursor {
 public:
  LineCursor(std::string_view file, int line_number, std::string_view line)
      : file_(file), line_number_(line_number), line_(line) {}

  bool atEnd() const { return pos_ >= line_.size(); }
  std::size_t position() const { return pos_; }
  char peek() const { return atEnd() ? '\0' : line_[pos_]; }
  std::string_view rest() const { return line_.substr(pos_); }
  void skip(std::size_t n) { pos_ += n; }
  // Skips spaces and tabs; returns whether any were skipped.
  bool skipSpaces();
  // The next run of non-blank characters (empty at the end of the line).
  std::string_view readWord();
  // At the delimiter: the text up to the next occurrence of the same character (the format has
  // no escape for the delimiter; files choose one the text does not contain).
  std::string_view readDelimited(std::string_view what);
  // Letters directly after a closing delimiter (regex options, the cpe "a" flag).
  std::string_view readFlags();
  void expectEndOrSpace(std::string_view what);

  [[noreturn]] void fail(std::size_t column_offset, const std::string& message) const;
  [[noreturn]] void fail(const std::string& message) const { fail(pos_, message); }

 private:
  std::string_view file_;
  int line_number_;
  std::string_view line_;
  std::size_t pos_ = 0;
};

// Resolves a probe string's escapes: \\ \0 \a \b \f \n \r \t \v \xHH. `offset` is the string's
// position in the line, so errors point at the bad escape.
std::string unescapeProbeString(const LineCursor& cursor, std::string_view text,
                                std::size_t offset);

}  // namespace portlens::detect
