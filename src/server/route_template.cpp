#include "server/route_template.h"

#include <array>

namespace portlens::server {
namespace {

// Up to 6 path segments after the leading '/', as views into the path; no route has more,
// so a longer path keeps a 7th segment only to fail every match. No allocation: this runs
// once per request (bench/metrics_bench).
class Segments {
 public:
  explicit Segments(std::string_view path) {
    if (!path.empty() && path[0] == '/') path.remove_prefix(1);
    while (count_ < parts_.size()) {
      const auto slash = path.find('/');
      parts_[count_++] = path.substr(0, slash);
      if (slash == std::string_view::npos) break;
      path.remove_prefix(slash + 1);
    }
  }
  std::size_t size() const { return count_; }
  std::string_view operator[](std::size_t i) const { return parts_[i]; }

 private:
  std::array<std::string_view, 7> parts_{};
  std::size_t count_ = 0;
};

std::string_view scansRoute(const Segments& s) {
  switch (s.size()) {
    case 3:
      return "/api/v1/scans";
    case 4:
      return "/api/v1/scans/{id}";
    case 5:
      if (s[4] == "results") return "/api/v1/scans/{id}/results";
      if (s[4] == "events") return "/api/v1/scans/{id}/events";
      if (s[4] == "cancel") return "/api/v1/scans/{id}/cancel";
      break;
    case 6:
      if (s[4] == "diff") return "/api/v1/scans/{id}/diff/{other}";
      break;
  }
  return "/api/other";
}

std::string_view apiRoute(const Segments& s) {
  if (s.size() < 3 || s[1] != "v1") return "/api/other";
  const auto what = s[2];
  if (what == "scans") return scansRoute(s);
  if (what == "whoami" && s.size() == 3) return "/api/v1/whoami";
  if (what == "ports" && s.size() == 4) return "/api/v1/ports/{port}";
  if (what == "monitors") {
    if (s.size() == 3) return "/api/v1/monitors";
    if (s.size() == 4) return "/api/v1/monitors/{id}";
    if (s.size() == 5 && s[4] == "runs") return "/api/v1/monitors/{id}/runs";
  }
  if (what == "findings") {
    if (s.size() == 3) return "/api/v1/findings";
    if (s.size() == 4) return "/api/v1/findings/{id}";
    if (s.size() == 5) return "/api/v1/findings/{id}/{action}";
  }
  return "/api/other";
}

}  // namespace

std::string_view httpRouteTemplate(std::string_view path) {
  if (path == "/" || path.rfind("/scans/", 0) == 0) return "/";  // the page
  if (path == "/healthz") return "/healthz";
  if (path == "/metrics") return "/metrics";
  if (path.rfind("/api/", 0) != 0) return "/static";
  return apiRoute(Segments(path));
}

std::string_view httpMethodLabel(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET",   "HEAD",   "POST",   "PUT",
                                                             "PATCH", "DELETE", "OPTIONS"};
  for (const auto known : kKnown) {
    if (method == known) return known;
  }
  return "other";
}

std::string_view httpStatusClass(int status) {
  static constexpr std::array<std::string_view, 5> kClasses = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  if (status < 100 || status > 599) return "5xx";
  return kClasses[static_cast<std::size_t>(status / 100 - 1)];
}

}  // namespace portlens::server
