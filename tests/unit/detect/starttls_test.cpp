// STARTTLS dialogues driven by scripted server bytes, polite and hostile.
#include "detect/tls/starttls.h"

#include <gtest/gtest.h>

namespace portlens::detect {
namespace {

using Outcome = StartTlsOutcome;

TEST(StartTlsSmtp, EhloThenStartTlsThenUpgrade) {
  StartTlsDialogue smtp(StartTlsProtocol::kSmtp, "scanner.test");
  auto step = smtp.receive("220 mail.example.test ESMTP Postfix (Debian/GNU)\r\n");
  EXPECT_EQ(step.outcome, Outcome::kContinue);
  EXPECT_EQ(step.send, "EHLO scanner.test\r\n");
  EXPECT_EQ(smtp.greeting(), "220 mail.example.test ESMTP Postfix (Debian/GNU)");
  // A multi-line reply, split across reads in awkward places.
  EXPECT_EQ(smtp.receive("250-mail.example.test\r\n250-PIPELINING\r\n250-SIZE 1024").send, "");
  EXPECT_EQ(smtp.receive("0000\r\n250-starttls\r\n250 ").send, "");
  step = smtp.receive("8BITMIME\r\n");
  EXPECT_EQ(step.outcome, Outcome::kContinue);
  EXPECT_EQ(step.send, "STARTTLS\r\n");
  step = smtp.receive("220 2.0.0 Ready to start TLS\r\n");
  EXPECT_EQ(step.outcome, Outcome::kUpgrade);
  EXPECT_EQ(smtp.receive("anything").outcome, Outcome::kUpgrade);  // final stays final
}

TEST(StartTlsSmtp, NoStartTlsInCapabilitiesIsNotSupported) {
  StartTlsDialogue smtp(StartTlsProtocol::kSmtp);
  EXPECT_EQ(smtp.receive("220-first\r\n220 second\r\n").send, "EHLO portlens.invalid\r\n");
  // "STARTTLSX" and a STARTTLS inside the text are not the keyword.
  const auto step = smtp.receive("250-host says STARTTLS\r\n250 STARTTLSX\r\n");
  EXPECT_EQ(step.outcome, Outcome::kNotSupported);
  EXPECT_EQ(step.send, "QUIT\r\n");
}

TEST(StartTlsSmtp, RefusalsAndWrongCodes) {
  StartTlsDialogue refused(StartTlsProtocol::kSmtp);
  refused.receive("220 hi\r\n");
  EXPECT_EQ(refused.receive("500 what\r\n").outcome, Outcome::kNotSupported);

  StartTlsDialogue tls_unavailable(StartTlsProtocol::kSmtp);
  tls_unavailable.receive("220 hi\r\n");
  tls_unavailable.receive("250 STARTTLS\r\n");
  EXPECT_EQ(tls_unavailable.receive("454 TLS not available\r\n").outcome, Outcome::kNotSupported);

  StartTlsDialogue busy(StartTlsProtocol::kSmtp);
  const auto step = busy.receive("554 go away\r\n");
  EXPECT_EQ(step.outcome, Outcome::kFailed);
  EXPECT_EQ(step.detail, "greeting reply 554");

  StartTlsDialogue not_smtp(StartTlsProtocol::kSmtp);
  EXPECT_EQ(not_smtp.receive("SSH-2.0-OpenSSH_9.2\r\n").outcome, Outcome::kFailed);

  StartTlsDialogue mixed_codes(StartTlsProtocol::kSmtp);
  EXPECT_EQ(mixed_codes.receive("220-a\r\n250 b\r\n").outcome, Outcome::kFailed);

  StartTlsDialogue bad_separator(StartTlsProtocol::kSmtp);
  EXPECT_EQ(bad_separator.receive("220+a\r\n").outcome, Outcome::kFailed);
}

TEST(StartTlsSmtp, HostileLinesAreBounded) {
  StartTlsDialogue endless(StartTlsProtocol::kSmtp);
  EXPECT_EQ(endless.receive("220 " + std::string(1000, 'a')).outcome, Outcome::kContinue);
  const auto step = endless.receive(std::string(100, 'a'));  // still no line end: over 1 KiB
  EXPECT_EQ(step.outcome, Outcome::kFailed);
  EXPECT_EQ(step.detail, "line too long");

  StartTlsDialogue long_in_one_read(StartTlsProtocol::kSmtp);
  EXPECT_EQ(long_in_one_read.receive("220 " + std::string(5000, 'a') + "\r\n").outcome,
            Outcome::kFailed);

  StartTlsDialogue endless_reply(StartTlsProtocol::kSmtp);
  std::string lines;
  for (int i = 0; i < 100; ++i) lines += "220-more\r\n";
  const auto many = endless_reply.receive(lines);
  EXPECT_EQ(many.outcome, Outcome::kFailed);
  EXPECT_EQ(many.detail, "reply has too many lines");

  StartTlsDialogue no_crlf(StartTlsProtocol::kSmtp);
  EXPECT_EQ(no_crlf.receive("220 no line end").outcome, Outcome::kContinue);
  EXPECT_EQ(no_crlf.peerClosed().outcome, Outcome::kFailed);
}

TEST(StartTlsSmtp, BareLineFeedsAreAccepted) {
  StartTlsDialogue smtp(StartTlsProtocol::kSmtp);
  EXPECT_EQ(smtp.receive("220 lenient\n").send, "EHLO portlens.invalid\r\n");
}

TEST(StartTlsSmtp, BytesAfterTheUpgradeReplyAreAnInjection) {
  StartTlsDialogue smtp(StartTlsProtocol::kSmtp);
  smtp.receive("220 hi\r\n");
  smtp.receive("250 STARTTLS\r\n");
  const auto step = smtp.receive("220 go ahead\r\n250 injected\r\n");
  EXPECT_EQ(step.outcome, Outcome::kFailed);
  EXPECT_EQ(step.detail, "server sent data out of turn");

  StartTlsDialogue early(StartTlsProtocol::kSmtp);  // answers before our EHLO
  EXPECT_EQ(early.receive("220 hi\r\n250 STARTTLS\r\n").outcome, Outcome::kFailed);
}

TEST(StartTlsImap, StartTlsAfterTheGreeting) {
  StartTlsDialogue imap(StartTlsProtocol::kImap);
  auto step = imap.receive("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Dovecot ready.\r\n");
  EXPECT_EQ(step.send, "a001 STARTTLS\r\n");
  EXPECT_EQ(imap.receive("* CAPABILITY IMAP4rev1\r\n").outcome, Outcome::kContinue);
  EXPECT_EQ(imap.receive("a001 OK Begin TLS negotiation now.\r\n").outcome, Outcome::kUpgrade);
}

TEST(StartTlsImap, RefusedPreauthByeAndNonsense) {
  StartTlsDialogue refused(StartTlsProtocol::kImap);
  refused.receive("* OK hi\r\n");
  const auto step = refused.receive("a001 BAD unknown command\r\n");
  EXPECT_EQ(step.outcome, Outcome::kNotSupported);
  EXPECT_EQ(step.send, "a002 LOGOUT\r\n");

  StartTlsDialogue preauth(StartTlsProtocol::kImap);
  EXPECT_EQ(preauth.receive("* PREAUTH welcome\r\n").outcome, Outcome::kNotSupported);
  StartTlsDialogue bye(StartTlsProtocol::kImap);
  EXPECT_EQ(bye.receive("* BYE busy\r\n").outcome, Outcome::kFailed);
  StartTlsDialogue http(StartTlsProtocol::kImap);
  EXPECT_EQ(http.receive("HTTP/1.1 400 Bad Request\r\n").outcome, Outcome::kFailed);
  StartTlsDialogue wrong_tag(StartTlsProtocol::kImap);
  wrong_tag.receive("* OK hi\r\n");
  EXPECT_EQ(wrong_tag.receive("a999 OK sure\r\n").outcome, Outcome::kFailed);
  StartTlsDialogue flood(StartTlsProtocol::kImap);
  flood.receive("* OK hi\r\n");
  std::string untagged;
  for (int i = 0; i < 100; ++i) untagged += "* 1 EXISTS\r\n";
  EXPECT_EQ(flood.receive(untagged).outcome, Outcome::kFailed);
}

TEST(StartTlsPop3, Stls) {
  StartTlsDialogue pop3(StartTlsProtocol::kPop3);
  EXPECT_EQ(pop3.receive("+OK Dovecot ready.\r\n").send, "STLS\r\n");
  EXPECT_EQ(pop3.receive("+OK Begin TLS negotiation\r\n").outcome, Outcome::kUpgrade);

  StartTlsDialogue refused(StartTlsProtocol::kPop3);
  refused.receive("+OK hi\r\n");
  const auto step = refused.receive("-ERR unknown command\r\n");
  EXPECT_EQ(step.outcome, Outcome::kNotSupported);
  EXPECT_EQ(step.send, "QUIT\r\n");

  StartTlsDialogue error(StartTlsProtocol::kPop3);
  EXPECT_EQ(error.receive("-ERR go away\r\n").outcome, Outcome::kFailed);
  StartTlsDialogue okay_word(StartTlsProtocol::kPop3);  // "+OKAY" is not "+OK"
  EXPECT_EQ(okay_word.receive("+OKAY\r\n").outcome, Outcome::kFailed);
}

TEST(StartTlsFtp, AuthTlsAnd234) {
  StartTlsDialogue ftp(StartTlsProtocol::kFtp);
  EXPECT_EQ(ftp.receive("120 ready in 1 minute\r\n").outcome, Outcome::kContinue);
  // FTP multi-line: the middle lines need not carry the code.
  auto step = ftp.receive("220-Welcome\r\n  to the archive\r\n220 (vsFTPd 3.0.3)\r\n");
  EXPECT_EQ(step.send, "AUTH TLS\r\n");
  EXPECT_EQ(ftp.greeting(), "120 ready in 1 minute");
  EXPECT_EQ(ftp.receive("234 Proceed with negotiation.\r\n").outcome, Outcome::kUpgrade);
}

TEST(StartTlsFtp, RefusedAndWrongCodes) {
  StartTlsDialogue refused(StartTlsProtocol::kFtp);
  refused.receive("220 hi\r\n");
  EXPECT_EQ(refused.receive("530 Please login with USER and PASS.\r\n").outcome,
            Outcome::kNotSupported);
  StartTlsDialogue wrong(StartTlsProtocol::kFtp);
  wrong.receive("220 hi\r\n");
  EXPECT_EQ(wrong.receive("200 OK\r\n").outcome, Outcome::kFailed);
  StartTlsDialogue garbage(StartTlsProtocol::kFtp);
  EXPECT_EQ(garbage.receive("\x16\x03\x01\x02\x05hello\r\n").outcome, Outcome::kFailed);
}

TEST(StartTls, GreetingIsEscapedAndBounded) {
  StartTlsDialogue smtp(StartTlsProtocol::kSmtp);
  smtp.receive("220 \x1b[2Jevil " + std::string(600, 'x') + "\r\n");
  EXPECT_EQ(smtp.greeting().rfind("220 \\x1B[2Jevil xxx", 0), 0u);
  EXPECT_LE(smtp.greeting().size(), 256u + 3u + 3u);
}

TEST(StartTls, CloseBeforeTheGreeting) {
  StartTlsDialogue pop3(StartTlsProtocol::kPop3);
  const auto step = pop3.peerClosed();
  EXPECT_EQ(step.outcome, Outcome::kFailed);
  EXPECT_EQ(step.detail, "closed before the greeting");
}

}  // namespace
}  // namespace portlens::detect
