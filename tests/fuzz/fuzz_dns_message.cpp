// Fuzzes the DNS answer parser (target_policy/dns_message): a reply from the configured
// resolver, or from anyone who can spoof one, is hostile bytes. Whatever it holds, the parser
// either throws DnsError or returns what fits in the message: no record text longer than the
// message, no more addresses than 4-byte records it could hold.
#include <cstdlib>

#include "target_policy/dns_message.h"

using namespace portlens::target_policy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> message(data, size);
  const std::uint16_t id = size >= 2 ? static_cast<std::uint16_t>(data[0] << 8 | data[1]) : 0;
  for (const auto type : {DnsType::kTxt, DnsType::kA, DnsType::kAaaa}) {
    for (const char* name : {"_portlens-challenge.scanme.example", "scanme.example", "a.example"}) {
      try {
        const auto answer = parseDnsAnswer(message, id, name, type);
        std::size_t text_bytes = 0;
        for (const auto& text : answer.texts) text_bytes += text.size();
        if (text_bytes > size || answer.addresses.size() * 4 > size) std::abort();
      } catch (const DnsError&) {
      }
    }
  }
  return 0;
}
