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

PgArrayLiteral& PgArrayLiteral::add(std::string_view element) {
  separate();
  text_ += '"';
  // A text parameter is a C string: a NUL byte (which PostgreSQL text cannot hold either)
  // would cut the whole literal short, so it ends this element only, as it ended a value bound
  // on its own. Service texts never hold one (service_codec stores bytes as hex).
  for (const char c : element.substr(0, element.find('\0'))) {
    if (c == '"' || c == '\\') text_ += '\\';
    text_ += c;
  }
  text_ += '"';
  return *this;
}

PgArrayLiteral& PgArrayLiteral::add(std::int64_t element) {
  separate();
  text_ += std::to_string(element);
  return *this;
}

PgArrayLiteral& PgArrayLiteral::addNull() {
  separate();
  text_ += "NULL";
  return *this;
}

std::string PgArrayLiteral::take() {
  std::string out = text_.empty() ? "{}" : std::move(text_) + "}";
  text_.clear();
  return out;
}

}  // namespace portlens::store
