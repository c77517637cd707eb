#include "store/postgres/pg_sql.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <string>

#include "store/database.h"

namespace portlens::store {

std::string toPostgresPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int highest = 0;
  std::size_t i = 0;
  auto copyUntil = [&](std::string_view end) {
    const auto stop = sql.find(end, i);
    const auto last = stop == std::string_view::npos ? sql.size() : stop + end.size();
    out.append(sql.substr(i, last - i));
    i = last;
  };
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'') {
      out += c;
      ++i;
      copyUntil("'");  // a doubled '' is two literals back to back: same result
    } else if (c == '"') {
      out += c;
      ++i;
      copyUntil("\"");
    } else if (sql.substr(i, 2) == "--") {
      copyUntil("\n");
    } else if (sql.substr(i, 2) == "/*") {
      copyUntil("*/");
    } else if (c == '?') {
      ++i;
      int number = 0;
      const auto start = i;
      while (i < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i])) != 0) {
        number = number * 10 + (sql[i] - '0');
        ++i;
      }
      if (i == start) number = highest + 1;
      if (number > highest) highest = number;
      out += '$';
      out += std::to_string(number);
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::int64_t parsePgInteger(std::string_view text) {
  if (text == "t") return 1;
  if (text == "f") return 0;
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  // numeric (SUM of bigint) may come back as "12" or "12.000": a zero fraction is fine.
  if (ec == std::errc() && ptr != end && *ptr == '.') {
    const auto fraction = text.substr(static_cast<std::size_t>(ptr - text.data()) + 1);
    if (fraction.find_first_not_of('0') == std::string_view::npos) ptr = end;
  }
  if (ec != std::errc() || ptr != end || text.empty()) {
    throw StoreError("not an integer in a result column: '" + std::string(text) + "'");
  }
  return value;
}

double parsePgReal(std::string_view text) {
  const std::string copy(text);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size()) {
    throw StoreError("not a number in a result column: '" + copy + "'");
  }
  return value;
}

void PgCopyText::separate() {
  if (in_row_) text_ += '\t';
  in_row_ = true;
}

PgCopyText& PgCopyText::add(std::string_view field) {
  separate();
  for (const char c : field.substr(0, field.find('\0'))) {
    switch (c) {
      case '\\':
        text_ += "\\\\";
        break;
      case '\t':
        text_ += "\\t";
        break;
      case '\n':
        text_ += "\\n";
        break;
      case '\r':
        text_ += "\\r";
        break;
      default:
        text_ += c;
    }
  }
  return *this;
}

PgCopyText& PgCopyText::add(std::int64_t field) {
  separate();
  text_ += std::to_string(field);
  return *this;
}

PgCopyText& PgCopyText::addNull() {
  separate();
  text_ += "\\N";
  return *this;
}

PgCopyText& PgCopyText::endRow() {
  text_ += '\n';
  in_row_ = false;
  return *this;
}

}  // namespace portlens::store
