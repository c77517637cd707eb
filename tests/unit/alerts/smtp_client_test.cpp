#include "alerts/smtp_client.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "alerts/delivery_error.h"

namespace portlens::alerts {
namespace {

// The server's side, scripted: each reply is queued as lines; everything the client writes is
// kept for the test to compare.
class ScriptedRelay final : public SmtpChannel {
 public:
  explicit ScriptedRelay(std::deque<std::string> lines) : lines_(std::move(lines)) {}
  std::string readLine() override {
    if (lines_.empty()) throw DeliveryError("SMTP: the relay closed the connection");
    std::string line = lines_.front();
    lines_.pop_front();
    return line;
  }
  void write(std::string_view data) override { written_ += data; }
  const std::string& written() const { return written_; }

 private:
  std::deque<std::string> lines_;
  std::string written_;
};

const SmtpEnvelope kEnvelope{"scanner1", "p@x.test", {"a@x.test", "b@x.test"}};

TEST(Smtp, FullDialogue) {
  ScriptedRelay relay({"220 relay ESMTP", "250-relay", "250-PIPELINING", "250 8BITMIME",
                       "250 2.1.0 ok", "250 2.1.5 ok", "251 forwarded", "354 go ahead",
                       "250 2.0.0 queued", "221 bye"});
  sendMail(relay, kEnvelope, "Subject: s\r\n\r\nline\r\n.dot\r\n");
  EXPECT_EQ(relay.written(),
            "EHLO scanner1\r\nMAIL FROM:<p@x.test>\r\nRCPT TO:<a@x.test>\r\n"
            "RCPT TO:<b@x.test>\r\nDATA\r\nSubject: s\r\n\r\nline\r\n..dot\r\n.\r\nQUIT\r\n");
}

TEST(Smtp, FallsBackToHelo) {
  ScriptedRelay relay({"220 old", "502 no EHLO", "250 hi", "250 ok", "250 ok", "250 ok", "354 go",
                       "250 ok", "221 bye"});
  sendMail(relay, kEnvelope, "x");
  EXPECT_TRUE(relay.written().starts_with("EHLO scanner1\r\nHELO scanner1\r\nMAIL FROM:"));
}

TEST(Smtp, RejectionsArePermanentOnlyFor5xx) {
  ScriptedRelay refused({"220 r", "250 r", "250 ok", "550 5.1.1 no such user"});
  try {
    sendMail(refused, kEnvelope, "x");
    FAIL();
  } catch (const DeliveryError& e) {
    EXPECT_TRUE(e.permanent());
    EXPECT_STREQ(e.what(), "SMTP RCPT TO refused: 550 5.1.1 no such user");
  }
  ScriptedRelay busy({"421 too busy"});
  try {
    sendMail(busy, kEnvelope, "x");
    FAIL();
  } catch (const DeliveryError& e) {
    EXPECT_FALSE(e.permanent());
  }
}

TEST(Smtp, HostileRepliesEndTheDialogue) {
  ScriptedRelay garbage({"hello there"});
  EXPECT_THROW(sendMail(garbage, kEnvelope, "x"), DeliveryError);
  std::deque<std::string> endless(100, "250-more");
  endless.push_front("220 r");
  ScriptedRelay long_reply(endless);
  EXPECT_THROW(sendMail(long_reply, kEnvelope, "x"), DeliveryError);
}

TEST(Smtp, QuitFailureAfterAcceptanceStillDelivers) {
  ScriptedRelay relay({"220 r", "250 r", "250 ok", "250 ok", "250 ok", "354 go", "250 queued"});
  EXPECT_NO_THROW(sendMail(relay, kEnvelope, "x"));
}

TEST(Smtp, DotStuffing) {
  EXPECT_EQ(dotStuff("a\n.b\r\n..c\rd"), "a\r\n..b\r\n...c\r\nd\r\n.\r\n");
  EXPECT_EQ(dotStuff(""), ".\r\n");
  EXPECT_EQ(dotStuff(".\r\n"), "..\r\n.\r\n");
  const std::string stuffed = dotStuff(std::string(2000, 'x'));
  EXPECT_EQ(stuffed, std::string(998, 'x') + "\r\n" + std::string(998, 'x') + "\r\n" +
                         std::string(4, 'x') + "\r\n.\r\n");
}

}  // namespace
}  // namespace portlens::alerts
