#include "server/scan_diff.h"

#include <algorithm>
#include <tuple>

namespace portlens::server {
namespace {

bool byPort(const scan::PortRecord& a, const scan::PortRecord& b) {
  return std::tie(a.ip, a.port) < std::tie(b.ip, b.port);
}

// The fields nmap's ndiff reports as a version change; confidence, banner and certificate
// details vary between runs of the same daemon and are left out.
bool serviceChanged(const scan::PortRecord& a, const scan::PortRecord& b) {
  if (!a.service || !b.service) return false;
  const auto& x = *a.service;
  const auto& y = *b.service;
  return std::tie(x.name, x.product, x.version, x.ssl_tunnel) !=
         std::tie(y.name, y.product, y.version, y.ssl_tunnel);
}

}  // namespace

ScanDiff diffScans(std::vector<scan::PortRecord> before, std::vector<scan::PortRecord> after) {
  std::sort(before.begin(), before.end(), byPort);
  std::sort(after.begin(), after.end(), byPort);
  ScanDiff diff;
  auto a = before.begin();
  auto b = after.begin();
  while (a != before.end() && b != after.end()) {
    if (byPort(*a, *b)) {
      ++a;
    } else if (byPort(*b, *a)) {
      ++b;
    } else {
      ++diff.compared;
      const bool was_open = a->state == scan::PortState::kOpen;
      const bool is_open = b->state == scan::PortState::kOpen;
      if (is_open && !was_open) {
        diff.opened.push_back({*a, *b});
      } else if (was_open && !is_open) {
        diff.closed.push_back({*a, *b});
      } else if (a->state != b->state || (is_open && serviceChanged(*a, *b))) {
        diff.changed.push_back({*a, *b});
      }
      ++a;
      ++b;
    }
  }
  return diff;
}

}  // namespace portlens::server
