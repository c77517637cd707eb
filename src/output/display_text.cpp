#include "output/display_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace portlens::output {

std::string countOf(std::uint64_t count, std::string_view singular, std::string_view plural) {
  return fmt::format("{} {}", count, count == 1 ? singular : plural);
}

std::string scanDoneSummary(const scan::ScanSummary& summary) {
  return fmt::format("{} ({} up) scanned in {:.2f} seconds",
                     countOf(summary.hosts_completed, "IP address", "IP addresses"),
                     countOf(summary.hosts_completed, "host", "hosts"), summary.elapsed_seconds);
}

std::string significantDigits(double value, int digits) {
  if (!(value > 0) || !std::isfinite(value)) return "0";
  const int magnitude = static_cast<int>(std::floor(std::log10(value)));
  const int decimals = std::max(0, digits - 1 - magnitude);
  return fmt::format("{:.{}f}", value, decimals);
}

std::string nameAndAddress(const std::string& hostname, const core::IpAddress& ip) {
  if (hostname.empty()) return ip.toString();
  return fmt::format("{} ({})", screenSafe(hostname), ip.toString());
}

}  // namespace portlens::output
