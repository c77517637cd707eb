// Fuzzes the STARTTLS dialogues: any server bytes, for each protocol and split into reads at
// every newline, must end in a defined outcome without unbounded buffering.
#include <cstdlib>

#include "detect/tls/starttls.h"
#include "fuzz_common.h"

using namespace portlens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::asText(data, size);
  for (auto protocol : {detect::StartTlsProtocol::kSmtp, detect::StartTlsProtocol::kImap,
                        detect::StartTlsProtocol::kPop3, detect::StartTlsProtocol::kFtp}) {
    detect::StartTlsDialogue dialogue(protocol);
    std::string_view rest = input;
    bool final_seen = false;
    while (!rest.empty()) {
      const std::size_t cut = std::min(rest.find('\n'), rest.size() - 1) + 1;
      const auto step = dialogue.receive(rest.substr(0, cut));
      rest.remove_prefix(cut);
      const bool is_final = step.outcome != detect::StartTlsOutcome::kContinue;
      if (final_seen && !step.send.empty()) std::abort();  // nothing to say after the end
      final_seen = final_seen || is_final;
      if (step.send.size() > 64) std::abort();
    }
    if (dialogue.greeting().size() > 256 * 4 + 3) std::abort();
    dialogue.peerClosed();
  }
  return 0;
}
