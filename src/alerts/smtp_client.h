// The SMTP dialogue (RFC 5321) of an email delivery: EHLO (HELO when refused), MAIL FROM,
// RCPT TO per recipient, DATA with the dot-stuffed message, QUIT. No AUTH, no STARTTLS: the
// relay is a local or allow-listed MTA. The dialogue runs over an SmtpChannel, so unit tests
// script the server's side; smtp_socket.h gives the TCP one with timeouts.
//
// Replies are hostile input: lines are bounded (channel), a reply has at most 64 lines, and
// anything but the expected code ends the dialogue with DeliveryError (permanent for 5yz).
// Called on the dispatcher's thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace portlens::alerts {

class SmtpChannel {
 public:
  virtual ~SmtpChannel() = default;
  // One line without its CRLF; throws DeliveryError on end of stream, timeout or a line
  // longer than 2048 bytes.
  virtual std::string readLine() = 0;
  virtual void write(std::string_view data) = 0;
};

struct SmtpEnvelope {
  std::string helo_name = "portlens";
  std::string from;
  std::vector<std::string> to;
};

// Throws DeliveryError when the relay refuses or the channel fails.
void sendMail(SmtpChannel& channel, const SmtpEnvelope& envelope, std::string_view message);

// The DATA block: line ends made CRLF, lines over 998 characters broken, a leading '.' doubled,
// and the terminating CRLF.CRLF.
std::string dotStuff(std::string_view message);

}  // namespace portlens::alerts
