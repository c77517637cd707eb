#include "output/grep_formatter.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>

#include "output/display_text.h"
#include "output/host_view.h"
#include "output/service_view.h"
#include "output/time_format.h"

namespace portlens::output {

namespace {

// A grepable field must not contain the separators. nmap replaces '/' with '|' in service
// names; ',' would split the port list and ')' the host name, so they go too.
std::string fieldSafe(std::string_view text) {
  std::string out = screenSafe(text);
  std::ranges::replace(out, '/', '|');
  std::ranges::replace(out, ',', '|');
  return out;
}

std::string hostPrefix(const scan::HostRecord& host) {
  std::string name = screenSafe(host.hostname);
  std::ranges::replace(name, ')', ']');
  return fmt::format("Host: {} ({})", host.ip.toString(), name);
}

}  // namespace

GrepFormatter::GrepFormatter(std::ostream& out, const registry::PortRegistry& registry,
                             FormatOptions options)
    : out_(out), registry_(registry), options_(std::move(options)) {}

void GrepFormatter::begin(const scan::ScanInfo& info) {
  out_ << fmt::format("# Portlens {} scan initiated {} as: {}\n", screenSafe(info.version),
                      ctimeUtc(info.started), screenSafe(info.command_line));
  out_.flush();
}

void GrepFormatter::port(const scan::PortRecord& record) { pending_.add(record); }

void GrepFormatter::host(const scan::HostRecord& record) {
  writeHost(record, pending_.take(record.ip));
}

void GrepFormatter::end(const scan::ScanSummary& summary) {
  for (auto& unfinished : pending_.takeUnfinished(summary.finished)) {
    writeHost(unfinished.host, std::move(unfinished.ports));
  }
  out_ << fmt::format("# Portlens done at {} -- {}{}\n", ctimeUtc(summary.finished),
                      scanDoneSummary(summary), summary.interrupted ? " (interrupted)" : "");
  out_.flush();
}

void GrepFormatter::writeHost(const scan::HostRecord& host, std::vector<scan::PortRecord> ports) {
  const HostView view = buildHostView(host, std::move(ports), options_);
  const std::string prefix = hostPrefix(host);
  std::string line = prefix + "\tPorts: ";
  for (std::size_t i = 0; i < view.listed.size(); ++i) {
    const scan::PortRecord& record = view.listed[i];
    if (i > 0) line += ", ";
    // nmap's fields: port/state/protocol/owner/service/rpc info/version/; "ssl|http" in TLS.
    const ServiceView service = serviceView(record, registry_);
    const std::string name =
        service.name.empty() ? "" : (service.ssl_tunnel ? "ssl|" : "") + fieldSafe(service.name);
    line += fmt::format("{}/{}/tcp//{}//{}/", record.port, scan::toString(record.state), name,
                        fieldSafe(service.version_text));
  }
  // Like nmap, the grepable format names an ignored state only when there is exactly one.
  if (view.collapsed.size() == 1) {
    line += fmt::format("\tIgnored State: {} ({})", scan::toString(view.collapsed[0].state),
                        view.collapsed[0].count);
  }
  out_ << prefix << "\tStatus: Up\n" << line << '\n';
  out_.flush();
}

}  // namespace portlens::output
