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

// A one-dimensional array literal for one text parameter (`?2::bigint[]`, unnest): many rows
// in one statement cost one parameter per column instead of one per value (binding 5,000
// parameters took 8 ms a statement). Every element is quoted, '"' and '\' escaped with a
// backslash, so any text (a hostile banner in a service column) stays one element; a NUL byte
// ends its element (no text parameter can carry one).
class PgArrayLiteral {
 public:
  PgArrayLiteral& add(std::string_view element);
  PgArrayLiteral& add(std::int64_t element);
  PgArrayLiteral& addNull();
  // The literal ("{}" when empty); the builder is empty again.
  std::string take();

 private:
  void separate() { text_ += text_.empty() ? '{' : ','; }
  std::string text_;
};

}  // namespace portlens::store
