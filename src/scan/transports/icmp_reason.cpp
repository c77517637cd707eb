#include "scan/transports/icmp_reason.h"

#include <cerrno>

namespace portlens::scan {

StateAndReason fromIcmp4(std::uint8_t type, std::uint8_t code) {
  constexpr std::uint8_t kDestUnreach = 3;
  constexpr std::uint8_t kTimeExceeded = 11;
  if (type == kTimeExceeded) return {PortState::kFiltered, Reason::kTimeExceeded};
  if (type != kDestUnreach) return {PortState::kFiltered, Reason::kLocalError};
  switch (code) {
    case 0:
      return {PortState::kFiltered, Reason::kNetUnreach};
    case 1:
      return {PortState::kFiltered, Reason::kHostUnreach};
    case 2:
      return {PortState::kFiltered, Reason::kProtoUnreach};
    case 3:
      return {PortState::kFiltered, Reason::kPortUnreach};
    case 9:
      return {PortState::kFiltered, Reason::kNetProhibited};
    case 10:
      return {PortState::kFiltered, Reason::kHostProhibited};
    case 13:
      return {PortState::kFiltered, Reason::kAdminProhibited};
    default:
      return {PortState::kFiltered, Reason::kHostUnreach};
  }
}

StateAndReason fromIcmp6(std::uint8_t type, std::uint8_t code) {
  constexpr std::uint8_t kDestUnreach = 1;
  constexpr std::uint8_t kTimeExceeded = 3;
  if (type == kTimeExceeded) return {PortState::kFiltered, Reason::kTimeExceeded};
  if (type != kDestUnreach) return {PortState::kFiltered, Reason::kLocalError};
  switch (code) {
    case 0:
      return {PortState::kFiltered, Reason::kNetUnreach};  // no route
    case 1:
      return {PortState::kFiltered, Reason::kAdminProhibited};  // administratively prohibited
    case 3:
      return {PortState::kFiltered, Reason::kHostUnreach};  // address unreachable
    case 4:
      return {PortState::kFiltered, Reason::kPortUnreach};
    case 5:  // source policy failed
    case 6:
      return {PortState::kFiltered, Reason::kAdminProhibited};  // reject route
    default:
      return {PortState::kFiltered, Reason::kHostUnreach};
  }
}

StateAndReason fromConnectErrno(int error) {
  switch (error) {
    case 0:
      return {PortState::kOpen, Reason::kSynAck};
    case ECONNREFUSED:
      return {PortState::kClosed, Reason::kConnRefused};
    case EHOSTUNREACH:
      return {PortState::kFiltered, Reason::kHostUnreach};
    case ENETUNREACH:
      return {PortState::kFiltered, Reason::kNetUnreach};
    case EACCES:
    case EPERM:
      return {PortState::kFiltered, Reason::kAdminProhibited};
    case ETIMEDOUT:
      return {PortState::kFiltered, Reason::kNoResponse};
    default:
      return {PortState::kFiltered, Reason::kLocalError};
  }
}

}  // namespace portlens::scan
