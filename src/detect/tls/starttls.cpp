#include "detect/tls/starttls.h"

#include <cctype>
#include <string>

#include "core/screen_safe.h"

namespace portlens::detect {

namespace {

constexpr std::size_t kGreetingBytes = 256;

// `line` starts with `word` (ASCII case-insensitive), followed by a space or the end.
bool startsWithWord(std::string_view line, std::string_view word) {
  if (line.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(line[i])) !=
        std::toupper(static_cast<unsigned char>(word[i]))) {
      return false;
    }
  }
  return line.size() == word.size() || line[word.size()] == ' ';
}

bool offersStartTls(const std::vector<std::string>& ehlo_lines) {
  for (const auto& text : ehlo_lines) {
    if (startsWithWord(text, "STARTTLS")) return true;
  }
  return false;
}

bool isRefusal(int code) { return code >= 400 && code < 600; }

}  // namespace

StartTlsDialogue::StartTlsDialogue(StartTlsProtocol protocol, std::string_view client_name)
    : protocol_(protocol),
      client_name_(client_name),
      reply_(protocol == StartTlsProtocol::kFtp ? NumberedReply::Style::kFtp
                                                : NumberedReply::Style::kSmtp,
             kMaxReplyLines) {}

StartTlsStep StartTlsDialogue::receive(std::string_view bytes) {
  if (phase_ == Phase::kDone) return {final_.outcome, {}, final_.detail};
  if (!lines_.append(bytes)) return finish(StartTlsOutcome::kFailed, "line too long");
  while (auto line = lines_.next()) {
    if (phase_ == Phase::kGreeting && greeting_.empty()) {
      greeting_ = core::peerText(*line, kGreetingBytes);
    }
    std::optional<StartTlsStep> step = onLine(*line);
    if (!step) continue;
    const bool we_talk = step->outcome == StartTlsOutcome::kUpgrade ||
                         (step->outcome == StartTlsOutcome::kContinue && !step->send.empty());
    // A server must wait for us here; bytes already buffered would be read as its answer to
    // a command it has not seen, or (after the upgrade reply) as TLS-protected data.
    if (we_talk && !lines_.empty()) {
      return finish(StartTlsOutcome::kFailed, "server sent data out of turn");
    }
    return *step;
  }
  return {};
}

StartTlsStep StartTlsDialogue::peerClosed() {
  if (phase_ == Phase::kDone) return {final_.outcome, {}, final_.detail};
  return finish(StartTlsOutcome::kFailed, phase_ == Phase::kGreeting
                                              ? "closed before the greeting"
                                              : "closed during the STARTTLS dialogue");
}

std::optional<StartTlsStep> StartTlsDialogue::onLine(const std::string& line) {
  switch (protocol_) {
    case StartTlsProtocol::kSmtp:
    case StartTlsProtocol::kFtp:
      return onNumbered(line);
    case StartTlsProtocol::kImap:
      return onImap(line);
    case StartTlsProtocol::kPop3:
      return onPop3(line);
  }
  return std::nullopt;
}

std::optional<StartTlsStep> StartTlsDialogue::onNumbered(const std::string& line) {
  switch (reply_.addLine(line)) {
    case NumberedReply::Result::kMore:
      return std::nullopt;
    case NumberedReply::Result::kMalformed:
      return finish(StartTlsOutcome::kFailed, reply_.texts().size() >= kMaxReplyLines
                                                  ? "reply has too many lines"
                                                  : "not a numbered reply line");
    case NumberedReply::Result::kDone:
      break;
  }
  std::optional<StartTlsStep> step = onNumberedReply();
  reply_.reset();
  return step;
}

std::optional<StartTlsStep> StartTlsDialogue::onNumberedReply() {
  const int code = reply_.code();
  const std::string code_text = "reply " + std::to_string(code);
  const bool smtp = protocol_ == StartTlsProtocol::kSmtp;
  switch (phase_) {
    case Phase::kGreeting:
      if (!smtp && code == 120) return std::nullopt;  // FTP: "ready in nnn minutes", wait
      if (code == 220) {
        return smtp ? talk("EHLO " + client_name_ + "\r\n", Phase::kCapabilities)
                    : talk("AUTH TLS\r\n", Phase::kCommandReply);
      }
      return finish(StartTlsOutcome::kFailed, "greeting " + code_text);
    case Phase::kCapabilities:
      if (code == 250 && offersStartTls(reply_.texts())) {
        return talk("STARTTLS\r\n", Phase::kCommandReply);
      }
      if (code == 250 || isRefusal(code)) {
        return finish(StartTlsOutcome::kNotSupported,
                      code == 250 ? "STARTTLS not offered" : "EHLO refused: " + code_text,
                      "QUIT\r\n");
      }
      return finish(StartTlsOutcome::kFailed, "EHLO answered with " + code_text);
    case Phase::kCommandReply:
      if (code == (smtp ? 220 : 234)) return finish(StartTlsOutcome::kUpgrade, {});
      if (isRefusal(code)) {
        return finish(StartTlsOutcome::kNotSupported, "refused: " + code_text, "QUIT\r\n");
      }
      return finish(StartTlsOutcome::kFailed, "unexpected " + code_text);
    case Phase::kDone:
      break;
  }
  return std::nullopt;
}

std::optional<StartTlsStep> StartTlsDialogue::onImap(const std::string& line) {
  if (phase_ == Phase::kGreeting) {
    if (startsWithWord(line, "* OK")) return talk("a001 STARTTLS\r\n", Phase::kCommandReply);
    if (startsWithWord(line, "* PREAUTH")) {
      // RFC 3501: STARTTLS only before authentication.
      return finish(StartTlsOutcome::kNotSupported, "PREAUTH greeting", "a001 LOGOUT\r\n");
    }
    return finish(StartTlsOutcome::kFailed,
                  startsWithWord(line, "* BYE") ? "server said BYE" : "not an IMAP greeting");
  }
  if (line.rfind("* ", 0) == 0) {
    if (++untagged_lines_ > kMaxReplyLines) {
      return finish(StartTlsOutcome::kFailed, "reply has too many lines");
    }
    return std::nullopt;
  }
  if (startsWithWord(line, "a001 OK")) return finish(StartTlsOutcome::kUpgrade, {});
  if (startsWithWord(line, "a001 NO") || startsWithWord(line, "a001 BAD")) {
    return finish(StartTlsOutcome::kNotSupported, "STARTTLS refused", "a002 LOGOUT\r\n");
  }
  return finish(StartTlsOutcome::kFailed, "unexpected IMAP response");
}

std::optional<StartTlsStep> StartTlsDialogue::onPop3(const std::string& line) {
  const bool ok = startsWithWord(line, "+OK");
  const bool error = startsWithWord(line, "-ERR");
  if (phase_ == Phase::kGreeting) {
    if (ok) return talk("STLS\r\n", Phase::kCommandReply);
    return finish(StartTlsOutcome::kFailed, error ? "greeting -ERR" : "not a POP3 greeting");
  }
  if (ok) return finish(StartTlsOutcome::kUpgrade, {});
  if (error) return finish(StartTlsOutcome::kNotSupported, "STLS refused", "QUIT\r\n");
  return finish(StartTlsOutcome::kFailed, "unexpected POP3 response");
}

StartTlsStep StartTlsDialogue::finish(StartTlsOutcome outcome, std::string detail,
                                      std::string send) {
  phase_ = Phase::kDone;
  final_ = {outcome, {}, detail};
  return {outcome, std::move(send), std::move(detail)};
}

StartTlsStep StartTlsDialogue::talk(std::string send, Phase next) {
  phase_ = next;
  return {StartTlsOutcome::kContinue, std::move(send), {}};
}

}  // namespace portlens::detect
