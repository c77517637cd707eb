// A NETLINK_ROUTE request/response helper: sends one request and hands every message of the
// answer (one message, or a dump up to NLMSG_DONE) to a visitor. Blocking; used only while a
// scan is being set up.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/unique_fd.h"

namespace portlens::net {

class NetlinkSocket {
 public:
  // Throws std::system_error when the socket cannot be opened.
  NetlinkSocket();

  // Returns 0, or the negative errno of an NLMSG_ERROR answer (or of the socket calls).
  int request(std::span<const std::uint8_t> message,
              const std::function<void(const nlmsghdr&)>& visit);

 private:
  core::UniqueFd fd_;
  std::uint32_t sequence_ = 1;
};

// Appends a route attribute to a request under construction (NLMSG_ALIGN padding included).
void appendAttribute(std::vector<std::uint8_t>& message, std::uint16_t type, const void* data,
                     std::size_t length);

}  // namespace portlens::net
