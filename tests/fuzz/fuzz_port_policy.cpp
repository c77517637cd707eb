// Fuzzes the port policy parser (policy/policy_parser): any text either parses or throws a
// PolicyError whose message is one line starting with the file name; a parsed policy's
// documented ports, written back as a draft (policy/policy_writer), parse again to the same
// ports; and the audit of a parsed policy runs on a few records without failing.
#include <cstdlib>
#include <string>

#include "fuzz_common.h"
#include "policy/audit.h"
#include "policy/policy_parser.h"
#include "policy/policy_writer.h"

using namespace portlens;

namespace {

std::vector<scan::PortRecord> sampleRecords() {
  std::vector<scan::PortRecord> records;
  for (std::uint16_t port : {22, 80, 443, 9100}) {
    scan::PortRecord record;
    record.ip = core::IpAddress::fromV4(0xc6130007u);  // 198.19.0.7
    record.port = port;
    record.state = port == 80 ? scan::PortState::kClosed : scan::PortState::kOpen;
    records.push_back(record);
  }
  return records;
}

void checkDraftRoundTrip(const policy::PortPolicy& parsed) {
  policy::DraftHost host;
  host.ip = core::IpAddress::fromV4(0xc6130007u);
  for (const auto& entry : parsed.hosts) {
    for (const auto& port : entry.ports) {
      if (host.ports.size() < 64) host.ports.push_back({port.first, port.service, "", ""});
    }
  }
  const auto again = policy::parsePolicy(policy::writeDraftPolicy({host}, "fuzz"), "draft");
  if (again.hosts.size() != 1 || again.hosts[0].ports.size() != host.ports.size()) std::abort();
  for (std::size_t i = 0; i < host.ports.size(); ++i) {
    if (again.hosts[0].ports[i].first != host.ports[i].port) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::asText(data, size);
  policy::PortPolicy parsed;
  try {
    parsed = policy::parsePolicy(text, "fuzz.yaml");
  } catch (const policy::PolicyError& e) {
    const std::string message = e.what();
    if (message.rfind("fuzz.yaml", 0) != 0 || message.find('\n') != std::string::npos) {
      std::abort();
    }
    return 0;
  }
  checkDraftRoundTrip(parsed);
  const auto today = std::chrono::year(2027) / 1 / 15;
  (void)policy::audit(parsed, sampleRecords(), today);
  (void)policy::auditLocal(parsed, {{core::IpAddress(), 22, std::nullopt}}, today);
  return 0;
}
