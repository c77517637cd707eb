// Fuzzes what a client's request path and a callback's label value become in GET /metrics:
// the route template of any path is one of the fixed set (never the path itself, so clients
// cannot grow the label set), and an escaped label value is valid UTF-8 with no raw newline and
// no unescaped quote, so no value can end its label or its line early.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "metrics/text_format.h"
#include "server/route_template.h"

using namespace portlens;

namespace {

const std::set<std::string_view> kRoutes = {
    "/",
    "/healthz",
    "/metrics",
    "/static",
    "/api/other",
    "/api/v1/whoami",
    "/api/v1/ports/{port}",
    "/api/v1/scans",
    "/api/v1/scans/{id}",
    "/api/v1/scans/{id}/results",
    "/api/v1/scans/{id}/events",
    "/api/v1/scans/{id}/cancel",
    "/api/v1/scans/{id}/diff/{other}",
    "/api/v1/monitors",
    "/api/v1/monitors/{id}",
    "/api/v1/monitors/{id}/runs",
    "/api/v1/findings",
    "/api/v1/findings/{id}",
    "/api/v1/findings/{id}/{action}",
};

// Walks the escaped text: every '\\' starts \\, \" or \n; no raw '"' or newline appears.
bool safelyEscaped(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"' || text[i] == '\n') return false;
    if (text[i] == '\\') {
      if (i + 1 >= text.size()) return false;
      const char next = text[++i];
      if (next != '\\' && next != '"' && next != 'n') return false;
    }
  }
  return true;
}

// An independent check of the output: well-formed UTF-8 (RFC 3629: no overlong form, no
// surrogate, nothing past U+10FFFF).
bool validUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    std::uint32_t cp = n == 1 ? b : b & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c >> 6) != 2) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::asText(data, size);
  if (kRoutes.count(server::httpRouteTemplate(input)) == 0) std::abort();
  const std::string escaped = metrics::escapeLabelValue(input);
  if (!safelyEscaped(escaped)) std::abort();
  if (!validUtf8(escaped)) std::abort();
  return 0;
}
