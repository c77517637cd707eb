#include "policy/policy_parser.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <set>
#include <string>

#include "core/ip_address.h"
#include "core/screen_safe.h"
#include "core/target_spec.h"

namespace portlens::policy {
namespace {

// Walks the YAML tree with the file name at hand, so every error points at its node.
class PolicyReader {
 public:
  explicit PolicyReader(std::string_view file) : file_(file) {}

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
    throw PolicyError(fmt::format("{}:{}:{}: {}", file_, mark.line + 1, mark.column + 1, message));
  }

  PortPolicy read(const YAML::Node& root) {
    PortPolicy policy;
    policy.file = file_;
    if (!root.IsDefined() || root.IsNull()) fail(root.Mark(), "empty policy (need `hosts:`)");
    if (!root.IsMap()) fail(root.Mark(), "a policy is a mapping with `hosts:`");
    bool has_hosts = false;
    forEachKey(root, {"hosts"}, [&](const std::string&, const YAML::Node& value) {
      has_hosts = true;
      if (value.IsNull()) return;
      if (!value.IsSequence()) fail(value.Mark(), "`hosts` must be a list");
      for (const YAML::Node& host : value) policy.hosts.push_back(readHost(host));
    });
    if (!has_hosts) fail(root.Mark(), "missing `hosts:`");
    return policy;
  }

 private:
  // Calls `visit` for each key of `map`, refusing unknown and repeated keys.
  template <typename Visit>
  void forEachKey(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                  Visit visit) {
    std::set<std::string> seen;
    for (const auto& pair : map) {
      if (!pair.first.IsScalar()) fail(pair.first.Mark(), "keys must be plain words");
      const std::string key = pair.first.Scalar();
      bool known = false;
      for (std::string_view name : allowed) known = known || name == key;
      if (!known) {
        std::string list;
        for (std::string_view name : allowed)
          list += (list.empty() ? "" : ", ") + std::string(name);
        fail(pair.first.Mark(),
             fmt::format("unknown key '{}' (expected one of: {})", core::screenSafe(key), list));
      }
      if (!seen.insert(key).second) fail(pair.first.Mark(), fmt::format("repeated key '{}'", key));
      visit(key, pair.second);
    }
  }

  std::string scalar(const YAML::Node& node, std::string_view key) const {
    if (node.IsNull()) return "";
    if (!node.IsScalar()) fail(node.Mark(), fmt::format("`{}` must be a single value", key));
    return node.Scalar();
  }

  HostEntry readHost(const YAML::Node& node) {
    if (!node.IsMap()) fail(node.Mark(), "each host is a mapping with `match:` and `ports:`");
    HostEntry host;
    host.position = {node.Mark().line + 1, node.Mark().column + 1};
    bool has_match = false;
    YAML::Node ports;
    forEachKey(node, {"match", "ports"}, [&](const std::string& key, const YAML::Node& value) {
      if (key == "match") {
        has_match = true;
        readMatch(value, host);
      } else {
        ports = value;
      }
    });
    if (!has_match) fail(node.Mark(), "host without `match:`");
    if (ports.IsDefined() && !ports.IsNull()) {
      if (!ports.IsSequence()) fail(ports.Mark(), "`ports` must be a list");
      for (const YAML::Node& entry : ports) host.ports.push_back(readPort(entry, host.kind));
    }
    return host;
  }

  void readMatch(const YAML::Node& node, HostEntry& host) {
    const std::string text = scalar(node, "match");
    host.match = text;
    host.position = {node.Mark().line + 1, node.Mark().column + 1};
    if (text.empty()) fail(node.Mark(), "empty `match`");
    if (text == "local") {
      host.kind = MatchKind::kLocal;
      return;
    }
    if (addFullRange(text, host.addresses)) return;
    bool is_name = false;
    try {
      core::addTargetSpec(host.addresses, text, [&](const std::string&) {
        is_name = true;
        return std::vector<core::IpAddress>{};
      });
    } catch (const core::UsageError& e) {
      if (!is_name) fail(node.Mark(), fmt::format("`match`: {}", e.what()));
    }
    if (is_name) {
      host.kind = MatchKind::kHostname;
      host.addresses = core::TargetSet();
    }
  }

  // "198.19.0.1-198.19.0.20" (the octet form "198.19.0.1-20" is core's target syntax).
  bool addFullRange(const std::string& text, core::TargetSet& addresses) {
    const auto dash = text.find('-');
    if (dash == std::string::npos) return false;
    const auto first = core::IpAddress::parse(std::string_view(text).substr(0, dash));
    const auto last = core::IpAddress::parse(std::string_view(text).substr(dash + 1));
    if (!first || !last || first->family() != last->family() || *last < *first) return false;
    addresses.add(*first, *last);
    return true;
  }

  PortEntry readPort(const YAML::Node& node, MatchKind kind) {
    if (++entries_ > kMaxPolicyEntries) {
      fail(node.Mark(), fmt::format("more than {} port entries", kMaxPolicyEntries));
    }
    if (!node.IsMap()) fail(node.Mark(), "each port is a mapping with `port:`");
    PortEntry entry;
    entry.position = {node.Mark().line + 1, node.Mark().column + 1};
    bool has_port = false;
    forEachKey(node,
               {"port", "service", "tunnel", "owner", "purpose", "expires", "optional", "process"},
               [&](const std::string& key, const YAML::Node& value) {
                 if (key == "port") {
                   has_port = true;
                   readPortRange(value, entry);
                 } else if (key == "service") {
                   entry.service = scalar(value, key);
                 } else if (key == "tunnel") {
                   entry.tunnel = scalar(value, key);
                   if (entry.tunnel != "ssl" && entry.tunnel != "none" && !entry.tunnel.empty()) {
                     fail(value.Mark(), "`tunnel` is ssl or none");
                   }
                 } else if (key == "owner") {
                   entry.owner = scalar(value, key);
                 } else if (key == "purpose") {
                   entry.purpose = scalar(value, key);
                 } else if (key == "expires") {
                   entry.expires = readDate(value);
                 } else if (key == "optional") {
                   entry.optional = readBool(value, key);
                 } else {
                   if (kind != MatchKind::kLocal) {
                     fail(value.Mark(), "`process` is only for `match: local`");
                   }
                   entry.process = scalar(value, key);
                 }
               });
    if (!has_port) fail(node.Mark(), "port entry without `port:`");
    return entry;
  }

  static bool parseNumber(std::string_view text, unsigned& value) {
    if (text.empty() || text.size() > 5) return false;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
  }

  void readPortRange(const YAML::Node& node, PortEntry& entry) {
    const std::string text = scalar(node, "port");
    const auto dash = text.find('-');
    unsigned first = 0;
    unsigned last = 0;
    const bool ok = dash == std::string::npos
                        ? parseNumber(text, first) && (last = first, true)
                        : parseNumber(std::string_view(text).substr(0, dash), first) &&
                              parseNumber(std::string_view(text).substr(dash + 1), last);
    if (!ok || first < 1 || last > 65535 || first > last) {
      fail(node.Mark(), fmt::format("`port` must be a port (1-65535) or a range like 9100-9110, "
                                    "not '{}'",
                                    core::screenSafe(text)));
    }
    entry.first = static_cast<std::uint16_t>(first);
    entry.last = static_cast<std::uint16_t>(last);
  }

  std::chrono::year_month_day readDate(const YAML::Node& node) {
    const std::string text = scalar(node, "expires");
    unsigned year = 0;
    unsigned month = 0;
    unsigned day = 0;
    const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                        parseNumber(std::string_view(text).substr(0, 4), year) &&
                        parseNumber(std::string_view(text).substr(5, 2), month) &&
                        parseNumber(std::string_view(text).substr(8, 2), day);
    const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(year)),
                                           std::chrono::month(month), std::chrono::day(day)};
    if (!shaped || !date.ok()) {
      fail(node.Mark(),
           fmt::format("`expires` must be a date YYYY-MM-DD, not '{}'", core::screenSafe(text)));
    }
    return date;
  }

  bool readBool(const YAML::Node& node, std::string_view key) {
    const std::string text = scalar(node, key);
    if (text == "true") return true;
    if (text == "false") return false;
    fail(node.Mark(), fmt::format("`{}` is true or false", key));
  }

  std::string file_;
  std::size_t entries_ = 0;
};

}  // namespace

PortPolicy parsePolicy(std::string_view yaml_text, std::string_view file) {
  PolicyReader reader(file);
  if (yaml_text.size() > kMaxPolicyBytes) {
    throw PolicyError(fmt::format("{}: larger than {} bytes", file, kMaxPolicyBytes));
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    reader.fail(e.mark, e.msg);
  }
  try {
    return reader.read(root);
  } catch (const YAML::Exception& e) {
    reader.fail(e.mark, e.msg);
  }
}

}  // namespace portlens::policy
