// STARTTLS dialogues as pure state machines: server bytes in, what to send / upgrade now /
// not supported out. SMTP (EHLO, STARTTLS in the capabilities, STARTTLS, 220), IMAP
// (a001 STARTTLS after the greeting), POP3 (STLS), FTP (AUTH TLS, 234). The caller owns the
// socket: it sends `send`, and on kUpgrade starts a TlsSession on the same connection.
//
// Hostile servers: lines are bounded (kMaxLine), replies have at most kMaxReplyLines lines,
// and a server that speaks out of turn (bytes still buffered when we must talk, above all
// after the reply that starts TLS: the STARTTLS response-injection attack, CVE-2011-0411's
// mirror image) fails the dialogue instead of being trusted.
//
// Thread: one thread at a time per dialogue. Never throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "detect/tls/starttls_lines.h"

namespace portlens::detect {

enum class StartTlsProtocol { kSmtp, kImap, kPop3, kFtp };

enum class StartTlsOutcome {
  kContinue,      // send `send` (if any) and feed the next bytes
  kUpgrade,       // the server agreed: start the TLS handshake now
  kNotSupported,  // a well-behaved server without STARTTLS (send `send`, a polite QUIT)
  kFailed,        // not this protocol, or a protocol violation (`detail` says which)
};

struct StartTlsStep {
  StartTlsOutcome outcome = StartTlsOutcome::kContinue;
  std::string send;
  std::string detail;
};

class StartTlsDialogue {
 public:
  static constexpr std::size_t kMaxLine = 1024;
  static constexpr std::size_t kMaxReplyLines = 64;

  // `client_name` is the EHLO argument (SMTP only).
  explicit StartTlsDialogue(StartTlsProtocol protocol,
                            std::string_view client_name = "portlens.invalid");

  // Bytes the server sent. Once the outcome is final, returns it again with nothing to send.
  StartTlsStep receive(std::string_view bytes);
  // The server closed the connection.
  StartTlsStep peerClosed();

  // The greeting's first line, bounded and escaped (a banner for service detection).
  const std::string& greeting() const { return greeting_; }

 private:
  enum class Phase { kGreeting, kCapabilities, kCommandReply, kDone };

  std::optional<StartTlsStep> onLine(const std::string& line);
  std::optional<StartTlsStep> onNumbered(const std::string& line);
  std::optional<StartTlsStep> onNumberedReply();
  std::optional<StartTlsStep> onImap(const std::string& line);
  std::optional<StartTlsStep> onPop3(const std::string& line);
  StartTlsStep finish(StartTlsOutcome outcome, std::string detail, std::string send = {});
  StartTlsStep talk(std::string send, Phase next);

  StartTlsProtocol protocol_;
  std::string client_name_;
  Phase phase_ = Phase::kGreeting;
  BoundedLineReader lines_{kMaxLine};
  NumberedReply reply_;
  std::size_t untagged_lines_ = 0;
  std::string greeting_;
  StartTlsStep final_;
};

}  // namespace portlens::detect
