#include "alerts/smtp_client.h"

#include <cctype>

#include "alerts/delivery_error.h"

namespace portlens::alerts {
namespace {

constexpr int kMaxReplyLines = 64;
constexpr std::size_t kMaxLine = 998;  // RFC 5321 4.5.3.1.6, without CRLF

struct Reply {
  int code = 0;
  std::string text;  // the last line
};

// A reply is "CODE-text" lines then one "CODE text" (or bare "CODE") line.
Reply readReply(SmtpChannel& channel) {
  for (int i = 0; i < kMaxReplyLines; ++i) {
    const std::string line = channel.readLine();
    if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
        !std::isdigit(static_cast<unsigned char>(line[1])) ||
        !std::isdigit(static_cast<unsigned char>(line[2])) ||
        (line.size() > 3 && line[3] != '-' && line[3] != ' ')) {
      throw DeliveryError("SMTP: malformed reply line");
    }
    if (line.size() == 3 || line[3] == ' ') return {std::stoi(line.substr(0, 3)), line};
  }
  throw DeliveryError("SMTP: reply longer than 64 lines");
}

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 200)) {
    out.push_back(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f ? c : '?');
  }
  return out;
}

void expect(SmtpChannel& channel, int wanted_class, std::string_view step) {
  const Reply reply = readReply(channel);
  if (reply.code / 100 == wanted_class) return;
  throw DeliveryError("SMTP " + std::string(step) + " refused: " + printable(reply.text),
                      reply.code / 100 == 5);
}

void command(SmtpChannel& channel, const std::string& line, int wanted_class,
             std::string_view step) {
  channel.write(line + "\r\n");
  expect(channel, wanted_class, step);
}

}  // namespace

std::string dotStuff(std::string_view message) {
  std::string out;
  out.reserve(message.size() + message.size() / 32 + 8);
  std::size_t column = 0;
  auto endLine = [&] {
    out += "\r\n";
    column = 0;
  };
  for (std::size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n') continue;
    if (c == '\n' || c == '\r') {
      endLine();
      continue;
    }
    if (column == kMaxLine) endLine();
    if (column == 0 && c == '.') {
      out.push_back('.');
      ++column;
    }
    out.push_back(c);
    ++column;
  }
  if (column != 0) endLine();
  out += ".\r\n";
  return out;
}

void sendMail(SmtpChannel& channel, const SmtpEnvelope& envelope, std::string_view message) {
  expect(channel, 2, "greeting");
  channel.write("EHLO " + envelope.helo_name + "\r\n");
  if (readReply(channel).code / 100 != 2) command(channel, "HELO " + envelope.helo_name, 2, "HELO");
  command(channel, "MAIL FROM:<" + envelope.from + ">", 2, "MAIL FROM");
  for (const auto& recipient : envelope.to) {
    command(channel, "RCPT TO:<" + recipient + ">", 2, "RCPT TO");
  }
  command(channel, "DATA", 3, "DATA");
  channel.write(dotStuff(message));
  expect(channel, 2, "message");
  // The message is accepted; a relay that drops the line before answering QUIT changes nothing.
  try {
    command(channel, "QUIT", 2, "QUIT");
  } catch (const DeliveryError&) {
  }
}

}  // namespace portlens::alerts
