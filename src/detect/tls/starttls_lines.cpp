#include "detect/tls/starttls_lines.h"

namespace portlens::detect {

namespace {

// The three-digit code at the start of `line`, or -1.
int leadingCode(std::string_view line) {
  if (line.size() < 3) return -1;
  int code = 0;
  for (int i = 0; i < 3; ++i) {
    if (line[i] < '0' || line[i] > '9') return -1;
    code = code * 10 + (line[i] - '0');
  }
  return code < 100 ? -1 : code;
}

char separatorOf(std::string_view line) { return line.size() > 3 ? line[3] : ' '; }

}  // namespace

bool BoundedLineReader::append(std::string_view bytes) {
  if (start_ > 0 && start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  buffer_.append(bytes);
  const std::size_t last_newline = buffer_.rfind('\n');
  const std::size_t tail_start =
      last_newline == std::string::npos || last_newline < start_ ? start_ : last_newline + 1;
  if (buffer_.size() - tail_start > max_line_) {
    buffer_.resize(tail_start);
    return false;
  }
  // Each complete line must respect the bound too (they came in one large read).
  for (std::size_t from = start_; from < tail_start;) {
    const std::size_t end = buffer_.find('\n', from);
    if (end - from > max_line_ + 1) {
      buffer_.resize(from);
      return false;
    }
    from = end + 1;
  }
  return true;
}

std::optional<std::string> BoundedLineReader::next() {
  const std::size_t end = buffer_.find('\n', start_);
  if (end == std::string::npos) return std::nullopt;
  std::size_t length = end - start_;
  if (length > 0 && buffer_[end - 1] == '\r') --length;
  std::string line = buffer_.substr(start_, length);
  start_ = end + 1;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  return line;
}

NumberedReply::Result NumberedReply::addLine(std::string_view line) {
  if (texts_.size() >= max_lines_) return Result::kMalformed;
  const int code = leadingCode(line);
  const bool first = texts_.empty();
  if (first || style_ == Style::kSmtp) {
    // SMTP: every line carries the code; FTP: the first line does.
    if (code < 0 || (!first && code != code_)) return Result::kMalformed;
    const char separator = separatorOf(line);
    if (separator != ' ' && separator != '-') return Result::kMalformed;
    code_ = code;
    texts_.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view());
    return separator == '-' ? Result::kMore : Result::kDone;
  }
  // FTP continuation: free text until a line "<same code> " (or just the code) ends it.
  if (code == code_ && separatorOf(line) == ' ') {
    texts_.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view());
    return Result::kDone;
  }
  texts_.emplace_back(line);
  return Result::kMore;
}

void NumberedReply::reset() {
  code_ = 0;
  texts_.clear();
}

}  // namespace portlens::detect
