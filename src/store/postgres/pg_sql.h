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

}  // namespace portlens::store
