// Pure text helpers of the PostgreSQL backend (no connection): the placeholder rewrite of the
// portable dialect (database.h) and the checked reading of a column's text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace portlens::store {

// `?N` -> `$N`, bare `?` -> the next number (as SQLite numbers them), outside '...' literals,
// "..." names and -- / /* */ comments.
std::string toPostgresPlaceholders(std::string_view sql);

// A column's text as an integer: decimal digits (bigint, a numeric without fraction) or a
// boolean ('t'/'f'). Throws StoreError for anything else.
std::int64_t parsePgInteger(std::string_view text);
double parsePgReal(std::string_view text);

// Rows for COPY ... FROM STDIN in its text format (Database::copyFrom): fields separated by
// tabs, rows ended by newlines, NULL as \N. A backslash, tab, newline or carriage return in a
// field is escaped with a backslash, so any text (a hostile banner in a service column) stays
// one field of one row; a NUL byte ends its field (PostgreSQL text cannot hold one; service
// texts never do, service_codec stores bytes as hex).
class PgCopyText {
 public:
  PgCopyText& add(std::string_view field);
  PgCopyText& add(std::int64_t field);
  PgCopyText& addNull();
  PgCopyText& endRow();
  const std::string& text() const { return text_; }

 private:
  void separate();
  std::string text_;
  bool in_row_ = false;
};

}  // namespace portlens::store
