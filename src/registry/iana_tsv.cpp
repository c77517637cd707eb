#include "registry/iana_tsv.h"

#include <charconv>
#include <stdexcept>
#include <string>

namespace portlens::registry {
namespace {

[[noreturn]] void fail(std::size_t line_number, std::string_view why) {
  throw std::runtime_error("iana_tcp.tsv line " + std::to_string(line_number) + ": " +
                           std::string(why));
}

}  // namespace

std::vector<ServiceEntry> parseIanaTsv(std::string_view text) {
  std::vector<ServiceEntry> rows;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // tolerate CRLF checkouts
    if (line.empty() || line.front() == '#') continue;

    const std::size_t tab1 = line.find('\t');
    const std::size_t tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string_view::npos || line.find('\t', tab2 + 1) != std::string_view::npos) {
      fail(line_number, "expected port<TAB>name<TAB>description");
    }
    const std::string_view port_text = line.substr(0, tab1);
    unsigned port = 0;
    const auto [ptr, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || ptr != port_text.data() + port_text.size() || port > 65535) {
      fail(line_number, "bad port");
    }
    ServiceEntry row;
    row.port = static_cast<std::uint16_t>(port);
    row.name = line.substr(tab1 + 1, tab2 - tab1 - 1);
    row.description = line.substr(tab2 + 1);
    if (row.name.empty()) fail(line_number, "empty name");
    rows.push_back(row);  // string_views into the embedded text: a copy is cheap
  }
  return rows;
}

}  // namespace portlens::registry
