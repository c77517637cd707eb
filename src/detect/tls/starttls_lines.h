// Line framing for the STARTTLS dialogues: bytes from a hostile server become lines of
// bounded length, and numbered replies (SMTP, RFC 5321 4.2; FTP, RFC 959 4.2) become one
// reply of bounded line count. Pure; used only by starttls.cpp and its tests.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portlens::detect {

class BoundedLineReader {
 public:
  explicit BoundedLineReader(std::size_t max_line) : max_line_(max_line) {}

  // Appends received bytes. False when the unterminated tail now exceeds max_line (a peer
  // sending an endless line); the reader keeps nothing beyond that point.
  bool append(std::string_view bytes);
  // The next complete line without its line end (CR LF, or a bare LF as lenient servers
  // send); nullopt when no complete line is buffered.
  std::optional<std::string> next();
  bool empty() const { return buffer_.size() == start_; }

 private:
  std::string buffer_;
  std::size_t start_ = 0;
  std::size_t max_line_;
};

// Assembles one numbered reply from its lines.
class NumberedReply {
 public:
  enum class Style { kSmtp, kFtp };
  enum class Result { kMore, kDone, kMalformed };

  NumberedReply(Style style, std::size_t max_lines) : style_(style), max_lines_(max_lines) {}

  Result addLine(std::string_view line);
  int code() const { return code_; }
  // The text of each line after its code and separator.
  const std::vector<std::string>& texts() const { return texts_; }
  void reset();

 private:
  Style style_;
  std::size_t max_lines_;
  int code_ = 0;
  std::vector<std::string> texts_;
};

}  // namespace portlens::detect
