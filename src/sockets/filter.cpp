#include "sockets/filter.h"

#include <fmt/format.h>

#include "sockets/filter_node.h"

namespace portlens::sockets {
namespace {

enum class Truth : std::uint8_t { kFalse, kTrue, kUnknown };

bool compare(CompareOp op, std::uint64_t a, std::uint64_t b) {
  switch (op) {
    case CompareOp::kEq:
      return a == b;
    case CompareOp::kNe:
      return a != b;
    case CompareOp::kLt:
      return a < b;
    case CompareOp::kLe:
      return a <= b;
    case CompareOp::kGt:
      return a > b;
    case CompareOp::kGe:
      return a >= b;
  }
  return false;
}

bool inPrefix(const core::IpAddress& address, const core::IpAddress& network, unsigned prefix) {
  if (address.family() != network.family()) return false;
  if (prefix == 0) return true;
  if (address.isV4()) {
    const std::uint32_t mask = prefix >= 32 ? ~0u : ~(~0u >> prefix);
    return (address.v4() & mask) == (network.v4() & mask);
  }
  const core::Uint128 all = ~core::Uint128{0};
  const core::Uint128 mask = prefix >= 128 ? all : ~(all >> prefix);
  return (address.v6() & mask) == (network.v6() & mask);
}

bool test(const FilterNode& node, const SocketRecord& r) {
  switch (node.kind) {
    case FilterNode::Kind::kAnd:
      return test(*node.left, r) && test(*node.right, r);
    case FilterNode::Kind::kOr:
      return test(*node.left, r) || test(*node.right, r);
    case FilterNode::Kind::kNot:
      return !test(*node.left, r);
    case FilterNode::Kind::kState:
      return (node.states & stateBit(r.state)) != 0;
    case FilterNode::Kind::kSport:
      return compare(node.op, r.local_port, node.number);
    case FilterNode::Kind::kDport:
      return compare(node.op, r.peer_port, node.number);
    case FilterNode::Kind::kPort:
      return compare(node.op, r.local_port, node.number) ||
             compare(node.op, r.peer_port, node.number);
    case FilterNode::Kind::kSrc:
      return inPrefix(r.local, node.address, node.prefix);
    case FilterNode::Kind::kDst:
      return inPrefix(r.peer, node.address, node.prefix);
    case FilterNode::Kind::kProcess:
      for (const ProcessRef& p : r.processes) {
        if (p.name == node.text) return true;
      }
      return false;
    case FilterNode::Kind::kPid:
      for (const ProcessRef& p : r.processes) {
        if (static_cast<std::uint64_t>(p.pid) == node.number) return true;
      }
      return false;
    case FilterNode::Kind::kUid:
      return r.uid == node.number;
  }
  return false;
}

// Kleene logic with only the state known: every other test is "unknown".
Truth forState(const FilterNode& node, StateMask state_bit) {
  switch (node.kind) {
    case FilterNode::Kind::kAnd: {
      const Truth a = forState(*node.left, state_bit);
      const Truth b = forState(*node.right, state_bit);
      if (a == Truth::kFalse || b == Truth::kFalse) return Truth::kFalse;
      return a == Truth::kTrue && b == Truth::kTrue ? Truth::kTrue : Truth::kUnknown;
    }
    case FilterNode::Kind::kOr: {
      const Truth a = forState(*node.left, state_bit);
      const Truth b = forState(*node.right, state_bit);
      if (a == Truth::kTrue || b == Truth::kTrue) return Truth::kTrue;
      return a == Truth::kFalse && b == Truth::kFalse ? Truth::kFalse : Truth::kUnknown;
    }
    case FilterNode::Kind::kNot: {
      const Truth a = forState(*node.left, state_bit);
      return a == Truth::kUnknown ? a : (a == Truth::kTrue ? Truth::kFalse : Truth::kTrue);
    }
    case FilterNode::Kind::kState:
      return (node.states & state_bit) != 0 ? Truth::kTrue : Truth::kFalse;
    default:
      return Truth::kUnknown;
  }
}

void collectPortConditions(const FilterNode& node, std::vector<PortCondition>& out) {
  if (node.kind == FilterNode::Kind::kAnd) {
    collectPortConditions(*node.left, out);
    collectPortConditions(*node.right, out);
    return;
  }
  if (node.kind != FilterNode::Kind::kSport && node.kind != FilterNode::Kind::kDport) return;
  const auto side = node.kind == FilterNode::Kind::kSport ? PortCondition::Side::kLocal
                                                          : PortCondition::Side::kPeer;
  const auto port = static_cast<std::uint16_t>(node.number);
  using Test = PortCondition::Test;
  switch (node.op) {
    case CompareOp::kEq:
      out.push_back({side, Test::kEq, port});
      break;
    case CompareOp::kGe:
      out.push_back({side, Test::kGe, port});
      break;
    case CompareOp::kLe:
      out.push_back({side, Test::kLe, port});
      break;
    case CompareOp::kGt:  // > 65535 matches nothing; the program says so, not the kernel
      if (port < 65535) out.push_back({side, Test::kGe, static_cast<std::uint16_t>(port + 1)});
      break;
    case CompareOp::kLt:
      if (port > 0) out.push_back({side, Test::kLe, static_cast<std::uint16_t>(port - 1)});
      break;
    case CompareOp::kNe:
      break;
  }
}

bool usesProcesses(const FilterNode& node) {
  if (node.kind == FilterNode::Kind::kProcess || node.kind == FilterNode::Kind::kPid) return true;
  return (node.left && usesProcesses(*node.left)) || (node.right && usesProcesses(*node.right));
}

std::string_view opText(CompareOp op) {
  constexpr std::string_view kText[] = {"=", "!=", "<", "<=", ">", ">="};
  return kText[static_cast<int>(op)];
}

std::string statesText(StateMask states) {
  std::string text;
  for (unsigned bit = 1; bit <= 12; ++bit) {
    if (!(states & (StateMask{1} << bit)) || bit == 12) continue;
    text += text.empty() ? "" : "|";
    text += toString(static_cast<TcpState>(bit));
  }
  return text;
}

std::string render(const FilterNode& node) {
  switch (node.kind) {
    case FilterNode::Kind::kAnd:
      return fmt::format("({} and {})", render(*node.left), render(*node.right));
    case FilterNode::Kind::kOr:
      return fmt::format("({} or {})", render(*node.left), render(*node.right));
    case FilterNode::Kind::kNot:
      return fmt::format("not {}", render(*node.left));
    case FilterNode::Kind::kState:
      return fmt::format("state {}", statesText(node.states));
    case FilterNode::Kind::kSport:
      return fmt::format("sport {} {}", opText(node.op), node.number);
    case FilterNode::Kind::kDport:
      return fmt::format("dport {} {}", opText(node.op), node.number);
    case FilterNode::Kind::kPort:
      return fmt::format("port {} {}", opText(node.op), node.number);
    case FilterNode::Kind::kSrc:
    case FilterNode::Kind::kDst:
      return fmt::format("{} {}/{}", node.kind == FilterNode::Kind::kSrc ? "src" : "dst",
                         node.address.toString(), node.prefix);
    case FilterNode::Kind::kProcess:
      return fmt::format("process {}", node.text);
    case FilterNode::Kind::kPid:
      return fmt::format("pid {}", node.number);
    case FilterNode::Kind::kUid:
      return fmt::format("uid {}", node.number);
  }
  return "";
}

}  // namespace

Filter::Filter() = default;
Filter::~Filter() = default;
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;

bool Filter::matches(const SocketRecord& record) const {
  return root_ == nullptr || test(*root_, record);
}

StateMask Filter::possibleStates(StateMask candidates) const {
  if (root_ == nullptr) return candidates;
  StateMask possible = 0;
  for (unsigned bit = 1; bit <= 12; ++bit) {
    const StateMask state_bit = StateMask{1} << bit;
    if ((candidates & state_bit) && forState(*root_, state_bit) != Truth::kFalse) {
      possible |= state_bit;
    }
  }
  return possible;
}

std::vector<PortCondition> Filter::kernelPortConditions() const {
  std::vector<PortCondition> conditions;
  if (root_ != nullptr) collectPortConditions(*root_, conditions);
  return conditions;
}

bool Filter::needsProcesses() const { return root_ != nullptr && usesProcesses(*root_); }

std::string Filter::toString() const { return root_ == nullptr ? "" : render(*root_); }

}  // namespace portlens::sockets
