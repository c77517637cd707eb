// Fuzzes what reaches the alerts library from outside: an SMTP relay's replies (the dialogue
// must end in delivery or DeliveryError, never hang or grow), a monitor's "alerts" JSON from an
// API caller (DestinationError or destinations), and a finding's text in every payload format
// (no line breaks in a syslog line, nothing outside printable ASCII in mail headers).
// The first byte picks the part; the rest is the input.
#include <cstdlib>
#include <deque>
#include <nlohmann/json.hpp>

#include "alerts/delivery_error.h"
#include "alerts/destination.h"
#include "alerts/payloads.h"
#include "alerts/smtp_client.h"
#include "fuzz_common.h"

using namespace portlens;

namespace {

class FuzzRelay final : public alerts::SmtpChannel {
 public:
  explicit FuzzRelay(std::string_view input) {
    while (!input.empty()) {
      const auto end = input.find('\n');
      lines_.emplace_back(input.substr(0, end));
      input.remove_prefix(end == input.npos ? input.size() : end + 1);
    }
  }
  std::string readLine() override {
    if (lines_.empty()) throw alerts::DeliveryError("closed");
    std::string line = std::move(lines_.front());
    lines_.pop_front();
    return line;
  }
  void write(std::string_view data) override {
    written_ += data.size();
    if (written_ > 1 << 20) std::abort();  // the client only sends what it was given
  }

 private:
  std::deque<std::string> lines_;
  std::size_t written_ = 0;
};

void smtpReplies(std::string_view input) {
  FuzzRelay relay(input);
  try {
    alerts::sendMail(relay, {"h", "a@b", {"c@d"}}, "Subject: x\r\n\r\n.body\r\n");
  } catch (const alerts::DeliveryError&) {
  }
  const std::string stuffed = alerts::dotStuff(input);
  if (!stuffed.ends_with("\r\n.\r\n") && stuffed != ".\r\n") std::abort();
}

void destinations(std::string_view input) {
  const auto alerts_json = nlohmann::json::parse(input, nullptr, false);
  if (alerts_json.is_discarded()) return;
  try {
    alerts::checkAlertDestinations(alerts_json, {"http://127.0.0.1:9093", "unix:/dev/log"}, false);
  } catch (const alerts::DestinationError&) {
  }
}

void payloads(std::string_view input) {
  const auto cut = input.find('\0');
  alerts::AlertEvent event;
  event.id = 1;
  event.event = "finding_opened";
  event.finding_json = std::string(input.substr(0, cut));
  event.monitor_json = cut == input.npos ? "{}" : std::string(input.substr(cut + 1));
  const std::string line = alerts::syslogMessage(event, 3, "h", 1);
  if (line.find_first_of("\r\n") != std::string::npos) std::abort();
  const std::string mail = alerts::emailMessage(event, "a@b", {"c@d"}, "e1-d0");
  for (char c : mail) {
    if (static_cast<unsigned char>(c) >= 0x80) std::abort();
  }
  if (!nlohmann::json::parse(alerts::webhookBody(event)).is_object()) std::abort();
  if (!nlohmann::json::parse(alerts::alertmanagerBody(event)).is_array()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input = fuzz::asText(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      smtpReplies(input);
      break;
    case 1:
      destinations(input);
      break;
    default:
      payloads(input);
  }
  return 0;
}
