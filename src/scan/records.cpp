#include "scan/records.h"

#include <cstddef>

namespace portlens::scan {

std::string_view toString(PortState state) {
  switch (state) {
    case PortState::kOpen:
      return "open";
    case PortState::kClosed:
      return "closed";
    case PortState::kFiltered:
      return "filtered";
  }
  return "filtered";  // unreachable for valid enum values; keeps -Wreturn-type quiet
}

std::string_view toString(Reason reason) {
  switch (reason) {
    case Reason::kSynAck:
      return "syn-ack";
    case Reason::kConnRefused:
      return "conn-refused";
    case Reason::kReset:
      return "reset";
    case Reason::kNoResponse:
      return "no-response";
    case Reason::kHostUnreach:
      return "host-unreach";
    case Reason::kNetUnreach:
      return "net-unreach";
    case Reason::kPortUnreach:
      return "port-unreach";
    case Reason::kProtoUnreach:
      return "proto-unreach";
    case Reason::kAdminProhibited:
      return "admin-prohibited";
    case Reason::kNetProhibited:
      return "net-prohibited";
    case Reason::kHostProhibited:
      return "host-prohibited";
    case Reason::kTimeExceeded:
      return "time-exceeded";
    case Reason::kLocalError:
      return "error";
  }
  return "error";
}

namespace {

char asciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (asciiLower(a[i]) != asciiLower(b[i])) return false;
  }
  return true;
}

}  // namespace

// Case-insensitive because users type "--states Open" as often as "open".
std::optional<PortState> parsePortState(std::string_view text) {
  for (PortState state : kAllPortStates) {
    if (equalsIgnoringAsciiCase(toString(state), text)) return state;
  }
  return std::nullopt;
}

std::string_view toString(ScanType type) {
  switch (type) {
    case ScanType::kConnect:
      return "connect";
    case ScanType::kSyn:
      return "syn";
  }
  return "connect";
}

std::string_view toString(ServiceMethod method) {
  return method == ServiceMethod::kProbed ? "probed" : "table";
}

std::optional<ScanType> parseScanType(std::string_view text) {
  for (ScanType type : {ScanType::kConnect, ScanType::kSyn}) {
    if (toString(type) == text) return type;
  }
  return std::nullopt;
}

}  // namespace portlens::scan
