#include "server/server_config.h"

#include <charconv>
#include <stdexcept>
#include <variant>

namespace portlens::server {
namespace {

using Value = std::variant<std::string, std::int64_t, bool, std::vector<std::string>>;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

[[noreturn]] void fail(std::size_t line, const std::string& what) {
  throw std::invalid_argument("line " + std::to_string(line) + ": " + what);
}

// Parses one "..." string starting at s[0]; advances s past it.
std::string parseString(std::string_view& s, std::size_t line) {
  std::string out;
  std::size_t i = 1;
  for (; i < s.size() && s[i] != '"'; ++i) {
    if (s[i] == '\\') {
      if (++i >= s.size()) break;
      out += s[i] == 'n' ? '\n' : s[i] == 't' ? '\t' : s[i];
    } else {
      out += s[i];
    }
  }
  if (i >= s.size()) fail(line, "unterminated string");
  s.remove_prefix(i + 1);
  return out;
}

// Drops a trailing comment outside strings.
std::string_view stripComment(std::string_view s) {
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '"' && (i == 0 || s[i - 1] != '\\')) quoted = !quoted;
    if (s[i] == '#' && !quoted) return s.substr(0, i);
  }
  return s;
}

Value parseValue(std::string_view s, std::size_t line) {
  s = trim(s);
  if (s.empty()) fail(line, "missing value");
  if (s.front() == '"') {
    auto out = parseString(s, line);
    if (!trim(s).empty()) fail(line, "junk after string");
    return out;
  }
  if (s.front() == '[') {
    std::vector<std::string> items;
    s.remove_prefix(1);
    while (true) {
      s = trim(s);
      if (s.empty()) fail(line, "unterminated array (arrays must fit on one line)");
      if (s.front() == ']') break;
      if (s.front() != '"') fail(line, "arrays hold strings only");
      items.push_back(parseString(s, line));
      s = trim(s);
      if (!s.empty() && s.front() == ',') s.remove_prefix(1);
    }
    return items;
  }
  if (s == "true" || s == "false") return s == "true";
  std::int64_t number = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
  if (ec != std::errc{} || end != s.data() + s.size() || number < 0) {
    fail(line, "expected a string, a non-negative integer, true, false or an array of strings");
  }
  return number;
}

std::uint64_t asNumber(const Value& v, std::size_t line) {
  if (auto n = std::get_if<std::int64_t>(&v)) return static_cast<std::uint64_t>(*n);
  fail(line, "expected an integer");
}

bool asBool(const Value& v, std::size_t line) {
  if (auto b = std::get_if<bool>(&v)) return *b;
  fail(line, "expected true or false");
}

std::string asString(const Value& v, std::size_t line) {
  if (auto s = std::get_if<std::string>(&v)) return *s;
  fail(line, "expected a string");
}

std::vector<Cidr> asCidrs(const Value& v, std::size_t line) {
  auto list = std::get_if<std::vector<std::string>>(&v);
  if (!list) fail(line, "expected an array of CIDR strings");
  std::vector<Cidr> out;
  for (const auto& item : *list) {
    auto cidr = parseCidr(item);
    if (!cidr) fail(line, "invalid CIDR '" + item + "' (host bits must be zero)");
    out.push_back(*cidr);
  }
  return out;
}

void applyKey(ServerConfig& config, const std::string& table, const std::string& key,
              const Value& v, std::size_t line) {
  if (table.empty()) {
    if (key == "listen") return void(config.listen = asString(v, line));
    if (key == "db") return void(config.db = asString(v, line));
    if (key == "max_running_scans") {
      config.max_running_scans =
          static_cast<unsigned>(std::max<std::uint64_t>(1, asNumber(v, line)));
      return;
    }
    if (key == "max_probes") return void(config.max_probes = asNumber(v, line));
    if (key == "reverse_dns") return void(config.reverse_dns = asBool(v, line));
    if (key == "http_threads") {
      config.http_threads = static_cast<unsigned>(std::max<std::uint64_t>(1, asNumber(v, line)));
      return;
    }
  } else if (table == "anonymous") {
    auto& a = config.anonymous;
    if (key == "max_probes") return void(a.max_probes = asNumber(v, line));
    if (key == "scans_per_minute") {
      return void(a.scans_per_minute = static_cast<double>(asNumber(v, line)));
    }
    if (key == "max_active_scans") return void(a.max_active_scans = asNumber(v, line));
    if (key == "allow") return void(a.allow = asCidrs(v, line));
  } else if (table.rfind("tokens.", 0) == 0 && table.size() > 7) {
    if (key == "allow") return void(config.token_allow[table.substr(7)] = asCidrs(v, line));
  }
  fail(line, "unknown key '" + key + "'" + (table.empty() ? "" : " in [" + table + "]"));
}

}  // namespace

void applyConfigText(ServerConfig& config, std::string_view text) {
  std::string table;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == text.npos) end = text.size();
    ++line_no;
    auto line = trim(stripComment(text.substr(pos, end - pos)));
    pos = end + 1;
    if (line.empty()) continue;
    if (line.front() == '[') {
      if (line.back() != ']') fail(line_no, "bad table header");
      table = std::string(trim(line.substr(1, line.size() - 2)));
      if (table != "anonymous" && table.rfind("tokens.", 0) != 0) {
        fail(line_no, "unknown table [" + table + "]");
      }
      continue;
    }
    auto eq = line.find('=');
    if (eq == line.npos) fail(line_no, "expected key = value");
    applyKey(config, table, std::string(trim(line.substr(0, eq))),
             parseValue(line.substr(eq + 1), line_no), line_no);
  }
}

std::pair<std::string, std::uint16_t> splitListen(std::string_view listen) {
  auto colon = listen.rfind(':');
  if (colon == listen.npos || colon == 0) {
    throw std::invalid_argument("listen address '" + std::string(listen) + "' needs HOST:PORT");
  }
  std::string host(listen.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto digits = listen.substr(colon + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc{} || end != digits.data() + digits.size() || port > 65535) {
    throw std::invalid_argument("bad port in listen address '" + std::string(listen) + "'");
  }
  return {host, static_cast<std::uint16_t>(port)};
}

}  // namespace portlens::server
