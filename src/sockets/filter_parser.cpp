// Recursive descent over whitespace/paren tokens; see filter.h for the grammar.
#include <fmt/format.h>

#include <charconv>
#include <vector>

#include "core/error.h"
#include "sockets/filter.h"
#include "sockets/filter_node.h"

namespace portlens::sockets {
namespace {

// Deep nesting is refused rather than recursed into: the parser also reads fuzzer input.
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxTokens = 4096;

std::vector<std::string_view> tokenize(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == '(' || c == ')' ||
               (c == '!' && (i + 1 >= text.size() || text[i + 1] != '='))) {  // one-char token
      tokens.push_back(text.substr(i++, 1));
    } else if (c == '=' || c == '<' || c == '>' || c == '!' || c == '&' || c == '|') {
      std::size_t j = i + 1;
      if (j < text.size() && (text[j] == '=' || text[j] == '&' || text[j] == '|')) ++j;
      tokens.push_back(text.substr(i, j - i));
      i = j;
    } else {
      std::size_t j = i;
      while (j < text.size() &&
             std::string_view(" \t\n\r()=<>!&|").find(text[j]) == std::string_view::npos) {
        ++j;
      }
      tokens.push_back(text.substr(i, j - i));
      i = j;
    }
  }
  return tokens;
}

template <typename T>
std::optional<T> number(std::string_view text) {
  T value{};
  if (text.empty()) return std::nullopt;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<CompareOp> compareOp(std::string_view token) {
  if (token == "=" || token == "==" || token == "eq") return CompareOp::kEq;
  if (token == "!=" || token == "ne" || token == "neq") return CompareOp::kNe;
  if (token == "<" || token == "lt") return CompareOp::kLt;
  if (token == "<=" || token == "le") return CompareOp::kLe;
  if (token == ">" || token == "gt") return CompareOp::kGt;
  if (token == ">=" || token == "ge") return CompareOp::kGe;
  return std::nullopt;
}

class Parser {
 public:
  Parser(std::string_view text, const PortLookup& lookup)
      : tokens_(tokenize(text)), lookup_(lookup) {}

  std::unique_ptr<FilterNode> parseAll() {
    if (tokens_.empty()) return nullptr;
    // Chains are built iteratively but evaluated recursively: bound their length too.
    if (tokens_.size() > kMaxTokens) throw core::UsageError("filter: too long");
    auto root = parseOr(0);
    if (pos_ < tokens_.size()) fail("unexpected");
    return root;
  }

 private:
  [[noreturn]] void fail(std::string_view what) const {
    if (pos_ >= tokens_.size()) throw core::UsageError(fmt::format("filter: {} end", what));
    throw core::UsageError(fmt::format("filter: {} '{}'", what, tokens_[pos_]));
  }
  std::string_view peek() const { return pos_ < tokens_.size() ? tokens_[pos_] : ""; }
  std::string_view take(std::string_view what) {
    if (pos_ >= tokens_.size()) fail(what);
    return tokens_[pos_++];
  }
  static std::unique_ptr<FilterNode> join(FilterNode::Kind kind, std::unique_ptr<FilterNode> a,
                                          std::unique_ptr<FilterNode> b) {
    auto node = std::make_unique<FilterNode>();
    node->kind = kind;
    node->left = std::move(a);
    node->right = std::move(b);
    return node;
  }

  std::unique_ptr<FilterNode> parseOr(int depth) {
    auto left = parseAnd(depth);
    while (peek() == "or" || peek() == "||") {
      ++pos_;
      left = join(FilterNode::Kind::kOr, std::move(left), parseAnd(depth));
    }
    return left;
  }

  std::unique_ptr<FilterNode> parseAnd(int depth) {
    auto left = parseUnary(depth);
    for (;;) {
      const std::string_view next = peek();
      if (next == "and" || next == "&&") {
        ++pos_;
      } else if (next.empty() || next == ")" || next == "or" || next == "||") {
        return left;
      }
      left = join(FilterNode::Kind::kAnd, std::move(left), parseUnary(depth));
    }
  }

  std::unique_ptr<FilterNode> parseUnary(int depth) {
    if (depth > kMaxDepth) fail("nested too deeply at");
    const std::string_view token = peek();
    if (token == "not" || token == "!") {
      ++pos_;
      return join(FilterNode::Kind::kNot, parseUnary(depth + 1), nullptr);
    }
    if (token == "(") {
      ++pos_;
      auto inner = parseOr(depth + 1);
      if (peek() != ")") fail("expected ')' at");
      ++pos_;
      return inner;
    }
    return parseTest();
  }

  std::unique_ptr<FilterNode> parseTest() {
    const std::string_view keyword = take("expected a test at");
    auto node = std::make_unique<FilterNode>();
    if (keyword == "state") {
      node->kind = FilterNode::Kind::kState;
      node->states = parseStates(take("expected a state at"));
    } else if (keyword == "sport" || keyword == "dport" || keyword == "port") {
      node->kind = keyword == "sport"   ? FilterNode::Kind::kSport
                   : keyword == "dport" ? FilterNode::Kind::kDport
                                        : FilterNode::Kind::kPort;
      if (const auto op = compareOp(peek())) {
        node->op = *op;
        ++pos_;
      }
      node->number = parsePort(take("expected a port at"));
    } else if (keyword == "src" || keyword == "dst") {
      node->kind = keyword == "src" ? FilterNode::Kind::kSrc : FilterNode::Kind::kDst;
      parseCidr(take("expected an address at"), *node);
    } else if (keyword == "process") {
      node->kind = FilterNode::Kind::kProcess;
      node->text = std::string(take("expected a process name at"));
    } else if (keyword == "pid" || keyword == "uid") {
      node->kind = keyword == "pid" ? FilterNode::Kind::kPid : FilterNode::Kind::kUid;
      if (peek() == "=" || peek() == "==" || peek() == "eq") ++pos_;
      const auto value = number<std::uint32_t>(peek());
      if (!value) fail("expected a number at");
      ++pos_;
      node->number = *value;
    } else {
      --pos_;
      fail("unknown test");
    }
    return node;
  }

  StateMask parseStates(std::string_view token) {
    if (token == "all") return kAllStates;
    if (token == "connected")
      return kConnectedStates | stateBit(TcpState::kTimeWait) | stateBit(TcpState::kSynRecv) |
             stateBit(TcpState::kNewSynRecv);
    const auto state = parseState(token);
    if (!state) {
      --pos_;
      fail("unknown state");
    }
    if (*state == TcpState::kSynRecv) {
      return stateBit(TcpState::kSynRecv) | stateBit(TcpState::kNewSynRecv);
    }
    return stateBit(*state);
  }

  std::uint16_t parsePort(std::string_view token) {
    if (!token.empty() && token.front() == ':') token.remove_prefix(1);
    if (const auto value = number<std::uint16_t>(token)) return *value;
    if (lookup_ && !token.empty() && !(token.front() >= '0' && token.front() <= '9')) {
      if (const auto port = lookup_(token)) return *port;
    }
    --pos_;
    fail("bad port");
  }

  void parseCidr(std::string_view token, FilterNode& node) {
    std::string_view address = token;
    std::optional<unsigned> prefix;
    if (const auto slash = token.find('/'); slash != std::string_view::npos) {
      address = token.substr(0, slash);
      prefix = number<unsigned>(token.substr(slash + 1));
      if (!prefix) prefix = 1000;  // reported below
    }
    if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
      address = address.substr(1, address.size() - 2);
    }
    const auto parsed = core::IpAddress::parse(address);
    const unsigned max_prefix = parsed && parsed->isV4() ? 32 : 128;
    if (!parsed || prefix.value_or(0) > max_prefix) {
      --pos_;
      fail("bad address");
    }
    node.address = *parsed;
    node.prefix = prefix.value_or(max_prefix);
  }

  std::vector<std::string_view> tokens_;
  const PortLookup& lookup_;
  std::size_t pos_ = 0;
};

}  // namespace

Filter parseFilter(std::string_view text, const PortLookup& lookup) {
  Filter filter;
  filter.root_ = Parser(text, lookup).parseAll();
  return filter;
}

}  // namespace portlens::sockets
