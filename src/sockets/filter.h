// The socket filter language, in the spirit of ss:
//   expr    := or
//   or      := and (("or" | "||") and)*
//   and     := unary (("and" | "&&")? unary)*      (juxtaposition means "and", as in ss)
//   unary   := ("not" | "!") unary | "(" expr ")" | test
//   test    := "state" STATE | ("sport" | "dport" | "port") OP? PORT | ("src" | "dst") CIDR
//            | "process" NAME | "pid" N | "uid" N
//   OP      := = == != < <= > >= eq ne lt le gt ge     (default =)
//   STATE   := established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait closed close-wait
//              last-ack listening closing | all | connected
//   PORT    := number 0-65535, optionally ":"-prefixed (ss style), or a service name when a
//              lookup is given
// "port" matches either side; "process" compares the process name (comm) exactly.
// parseFilter is pure and throws core::UsageError with a one-line message on bad input (it is
// fuzzed: tests/fuzz/fuzz_socket_filter.cpp). A Filter is immutable and shareable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "sockets/socket_record.h"

namespace portlens::sockets {

// Service name -> port; nullopt when unknown. May be empty (numbers only).
using PortLookup = std::function<std::optional<std::uint16_t>(std::string_view)>;

struct FilterNode;

// A port bound the kernel can test (sock_diag bytecode): local or peer port >= / <= / == value.
struct PortCondition {
  enum class Side : std::uint8_t { kLocal, kPeer };
  enum class Test : std::uint8_t { kGe, kLe, kEq };
  Side side = Side::kLocal;
  Test test = Test::kEq;
  std::uint16_t port = 0;
  friend bool operator==(const PortCondition&, const PortCondition&) = default;
};

class Filter {
 public:
  Filter();  // matches everything
  ~Filter();
  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;

  bool matches(const SocketRecord& record) const;
  // The states this filter can possibly accept, within `candidates`: evaluated with only the
  // state known, so the kernel can drop the rest before they are copied to us.
  StateMask possibleStates(StateMask candidates) const;
  // sport/dport comparisons that every match must satisfy (tests joined by "and" at the top
  // level), for the kernel to apply; the rest of the filter still runs here, so leaving a test
  // out only makes the kernel's set larger. "!=" and "port" (either side) are left out.
  std::vector<PortCondition> kernelPortConditions() const;
  // True when some test needs SocketRecord::processes (process, pid).
  bool needsProcesses() const;
  bool empty() const { return root_ == nullptr; }
  // Canonical, fully parenthesised text (tests and the watch view's status line).
  std::string toString() const;

 private:
  friend Filter parseFilter(std::string_view, const PortLookup&);
  std::unique_ptr<FilterNode> root_;
};

Filter parseFilter(std::string_view text, const PortLookup& lookup = nullptr);

}  // namespace portlens::sockets
