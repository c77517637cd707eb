#include "output/xml_formatter.h"

#include <fmt/format.h>

#include <utility>

#include "output/display_text.h"
#include "output/host_view.h"
#include "output/service_view.h"
#include "output/time_format.h"
#include "output/xml_escape.h"

namespace portlens::output {

namespace {

std::int64_t microseconds(std::chrono::nanoseconds value) {
  return std::chrono::duration_cast<std::chrono::microseconds>(value).count();
}

// nmap never lets the retransmission timeout fall below 100 ms.
constexpr std::int64_t kMinTimeoutUs = 100'000;

}  // namespace

XmlFormatter::XmlFormatter(std::ostream& out, const registry::PortRegistry& registry,
                           FormatOptions options)
    : out_(out), registry_(registry), options_(std::move(options)) {}

void XmlFormatter::begin(const scan::ScanInfo& info) {
  const std::string startstr = ctimeUtc(info.started);
  out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n";
  out_ << fmt::format("<!-- Portlens {} scan initiated {} as: {} -->\n",
                      xmlCommentText(info.version), startstr, xmlCommentText(info.command_line));
  out_ << fmt::format(
      "<nmaprun scanner=\"portlens\" args=\"{}\" start=\"{}\" startstr=\"{}\" version=\"{}\" "
      "xmloutputversion=\"1.05\">\n",
      xmlEscape(info.command_line), unixSeconds(info.started), startstr, xmlEscape(info.version));
  out_ << fmt::format(
      "<scaninfo type=\"{}\" protocol=\"tcp\" numservices=\"{}\" services=\"{}\"/>\n",
      scan::toString(info.type), info.port_count, xmlEscape(info.ports_spec));
  out_ << "<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n";
  out_.flush();
}

void XmlFormatter::port(const scan::PortRecord& record) { pending_.add(record); }

void XmlFormatter::host(const scan::HostRecord& record) {
  writeHost(record, pending_.take(record.ip), true);
}

void XmlFormatter::end(const scan::ScanSummary& summary) {
  for (auto& unfinished : pending_.takeUnfinished(summary.finished)) {
    writeHost(unfinished.host, std::move(unfinished.ports), false);
  }
  const std::string timestr = ctimeUtc(summary.finished);
  const std::string text =
      fmt::format("Portlens done at {}; {}", timestr, scanDoneSummary(summary));
  out_ << fmt::format(
      "<runstats><finished time=\"{}\" timestr=\"{}\" summary=\"{}\" elapsed=\"{:.2f}\" "
      "exit=\"{}\"{}/>",
      unixSeconds(summary.finished), timestr, xmlEscape(text), summary.elapsed_seconds,
      summary.interrupted ? "error" : "success",
      summary.interrupted ? " errormsg=\"interrupted\"" : "");
  out_ << fmt::format("<hosts up=\"{}\" down=\"0\" total=\"{}\"/>\n</runstats>\n</nmaprun>\n",
                      summary.hosts_completed, summary.hosts_completed);
  out_.flush();
}

void XmlFormatter::writeHost(const scan::HostRecord& host, std::vector<scan::PortRecord> ports,
                             bool finished) {
  const HostView view = buildHostView(host, std::move(ports), options_);
  out_ << fmt::format("<host starttime=\"{}\" endtime=\"{}\">", unixSeconds(host.started),
                      unixSeconds(host.finished));
  if (!finished) out_ << "<!-- scan interrupted before this host finished -->\n";
  out_ << fmt::format("<status state=\"up\" reason=\"{}\" reason_ttl=\"0\"/>\n",
                      hostUpReason(host));
  out_ << fmt::format("<address addr=\"{}\" addrtype=\"{}\"/>\n", host.ip.toString(),
                      host.ip.isV4() ? "ipv4" : "ipv6");
  out_ << "<hostnames>\n";
  if (!host.hostname.empty()) {
    // "user": the name the user typed, as nmap marks target names (reverse DNS is "PTR").
    out_ << fmt::format("<hostname name=\"{}\" type=\"user\"/>\n", xmlEscape(host.hostname));
  }
  out_ << "</hostnames>\n<ports>";
  for (const CollapsedState& entry : view.collapsed) {
    out_ << fmt::format(
        "<extraports state=\"{}\" count=\"{}\">\n"
        "<extrareasons reason=\"{}\" count=\"{}\" proto=\"tcp\"/>\n</extraports>\n",
        scan::toString(entry.state), entry.count, scan::toString(entry.reason), entry.count);
  }
  for (const scan::PortRecord& record : view.listed) writePort(record);
  out_ << "</ports>\n";
  if (view.rtt) {
    const std::int64_t srtt = microseconds(view.rtt->srtt);
    const std::int64_t rttvar = microseconds(view.rtt->rttvar);
    out_ << fmt::format("<times srtt=\"{}\" rttvar=\"{}\" to=\"{}\"/>\n", srtt, rttvar,
                        std::max(kMinTimeoutUs, srtt + 4 * rttvar));
  }
  out_ << "</host>\n";
  out_.flush();
}

void XmlFormatter::writePort(const scan::PortRecord& record) {
  out_ << fmt::format(
      "<port protocol=\"tcp\" portid=\"{}\"><state state=\"{}\" reason=\"{}\" reason_ttl=\"{}\"/>",
      record.port, scan::toString(record.state), scan::toString(record.reason), record.ttl);
  const ServiceView service = serviceView(record, registry_);
  if (!service.name.empty()) writeService(service);
  out_ << "</port>\n";
}

// nmap's <service> element: its attribute order, a <cpe> child per CPE, everything escaped.
void XmlFormatter::writeService(const ServiceView& service) {
  out_ << fmt::format("<service name=\"{}\"", xmlEscape(service.name));
  if (const scan::ServiceInfo* info = service.detected; info != nullptr) {
    const std::pair<const char*, const std::string*> fields[] = {
        {"product", &info->product},     {"version", &info->version},
        {"extrainfo", &info->extrainfo}, {"hostname", &info->hostname},
        {"ostype", &info->ostype},       {"devicetype", &info->devicetype}};
    for (const auto& [key, value] : fields) {
      if (!value->empty()) out_ << fmt::format(" {}=\"{}\"", key, xmlEscape(*value));
    }
    if (info->ssl_tunnel) out_ << " tunnel=\"ssl\"";
  }
  out_ << fmt::format(" method=\"{}\" conf=\"{}\"", scan::toString(service.method),
                      service.confidence);
  if (service.detected == nullptr || service.detected->cpe.empty()) {
    out_ << "/>";
    return;
  }
  out_ << '>';
  for (const std::string& cpe : service.detected->cpe) {
    out_ << "<cpe>" << xmlEscape(cpe) << "</cpe>";
  }
  out_ << "</service>";
}

}  // namespace portlens::output
