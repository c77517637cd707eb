#include "server/server_config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "alerts/destination.h"
#include "server/verification_probes.h"

namespace portlens::server {
namespace {

[[noreturn]] void fail(const toml::source_position& where, const std::string& what) {
  throw std::invalid_argument("line " + std::to_string(where.line) + ", column " +
                              std::to_string(where.column) + ": " + what);
}

[[noreturn]] void fail(const toml::node& node, const std::string& what) {
  fail(node.source().begin, what);
}

std::uint64_t asCount(const toml::node& node) {
  const auto* value = node.as_integer();
  if (value == nullptr || value->get() < 0) fail(node, "expected a non-negative integer");
  return static_cast<std::uint64_t>(value->get());
}

double asRate(const toml::node& node) {
  if (const auto* value = node.as_floating_point(); value != nullptr && value->get() >= 0) {
    return value->get();
  }
  return static_cast<double>(asCount(node));
}

bool asBool(const toml::node& node) {
  const auto* value = node.as_boolean();
  if (value == nullptr) fail(node, "expected true or false");
  return value->get();
}

std::string asString(const toml::node& node) {
  const auto* value = node.as_string();
  if (value == nullptr) fail(node, "expected a string");
  return value->get();
}

std::vector<target_policy::Cidr> asCidrs(const toml::node& node) {
  const auto* list = node.as_array();
  if (list == nullptr) fail(node, "expected an array of CIDR strings");
  std::vector<target_policy::Cidr> out;
  for (const toml::node& item : *list) {
    const auto* text = item.as_string();
    if (text == nullptr) fail(item, "expected a CIDR string");
    const auto cidr = target_policy::parseCidr(text->get());
    if (!cidr) fail(item, "invalid CIDR '" + text->get() + "' (host bits must be zero)");
    out.push_back(*cidr);
  }
  return out;
}

std::vector<std::string> asAllowList(const toml::node& node) {
  const auto* list = node.as_array();
  if (list == nullptr) fail(node, "expected an array of destination strings");
  std::vector<std::string> out;
  for (const toml::node& item : *list) {
    const auto* text = item.as_string();
    if (text == nullptr) fail(item, "expected a destination string");
    if (auto error = alerts::allowEntryError(text->get()); !error.empty()) {
      fail(item, "invalid alert destination '" + text->get() + "': " + error);
    }
    out.push_back(text->get());
  }
  return out;
}

const toml::table& asTable(const toml::node& node, const std::string& name) {
  const auto* table = node.as_table();
  if (table == nullptr) fail(node, "'" + name + "' must be a table ([" + name + "])");
  return *table;
}

// Unknown keys are errors, so a typo never silently disables a limit.
[[noreturn]] void unknownKey(const toml::key& key, std::string_view table) {
  fail(key.source().begin, "unknown key '" + std::string(key.str()) + "'" +
                               (table.empty() ? "" : " in [" + std::string(table) + "]"));
}

void applyAnonymous(AnonymousLimits& limits, const toml::table& table) {
  for (const auto& [key, node] : table) {
    if (key == "max_probes") {
      limits.max_probes = asCount(node);
    } else if (key == "scans_per_minute") {
      limits.scans_per_minute = asRate(node);
    } else if (key == "max_active_scans") {
      limits.max_active_scans = asCount(node);
    } else if (key == "allow") {
      limits.allow = asCidrs(node);
    } else {
      unknownKey(key, "anonymous");
    }
  }
}

void applyMetrics(MetricsSettings& metrics, const toml::table& table) {
  for (const auto& [key, node] : table) {
    if (key == "enabled") {
      metrics.enabled = asBool(node);
    } else if (key == "bearer_token") {
      metrics.bearer_token = asString(node);
    } else {
      unknownKey(key, "metrics");
    }
  }
}

// [tokens.NAME] tables: allow = [...] per token name.
void applyTokens(ServerConfig& config, const toml::table& tokens) {
  for (const auto& [name, node] : tokens) {
    const std::string table_name = "tokens." + std::string(name.str());
    for (const auto& [key, value] : asTable(node, table_name)) {
      if (key != "allow") unknownKey(key, table_name);
      config.token_allow[std::string(name.str())] = asCidrs(value);
    }
  }
}

void applyTopLevel(ServerConfig& config, const toml::key& key, const toml::node& node) {
  if (key == "listen") {
    config.listen = asString(node);
  } else if (key == "db") {
    config.db = asString(node);
  } else if (key == "max_running_scans") {
    config.max_running_scans = static_cast<unsigned>(std::max<std::uint64_t>(1, asCount(node)));
  } else if (key == "workers") {
    config.workers = static_cast<int>(std::min<std::uint64_t>(1024, asCount(node)));
  } else if (key == "shard_pairs") {
    config.shard_pairs = std::max<std::uint64_t>(1, asCount(node));
  } else if (key == "worker_lease_ms") {
    config.worker_lease_ms =
        static_cast<std::int64_t>(std::clamp<std::uint64_t>(asCount(node), 300, 3'600'000));
  } else if (key == "max_probes") {
    config.max_probes = asCount(node);
  } else if (key == "reverse_dns") {
    config.reverse_dns = asBool(node);
  } else if (key == "alert_destinations") {
    config.alert_destinations = asAllowList(node);
  } else if (key == "retention_days") {
    config.retention_days = asCount(node);
  } else if (key == "resolver") {
    config.resolver = asString(node);
    try {
      if (!config.resolver.empty()) parseDnsServer(config.resolver);  // "" = the system's
    } catch (const std::invalid_argument& e) {
      fail(node, e.what());
    }
  } else if (key == "verification_ttl") {
    config.verification_ttl = std::chrono::seconds(std::max<std::uint64_t>(1, asCount(node)));
  } else if (key == "require_verified_targets") {
    config.require_verified_targets = asBool(node);
  } else if (key == "unsafe_test_public_ranges") {
    config.unsafe_test_public_ranges = asCidrs(node);
  } else if (key == "http_threads") {
    config.http_threads = static_cast<unsigned>(std::max<std::uint64_t>(1, asCount(node)));
  } else if (key == "trusted_proxies") {
    config.trusted_proxies = asCidrs(node);
  } else if (key == "tls_cert") {
    config.tls_cert = asString(node);
  } else if (key == "tls_key") {
    config.tls_key = asString(node);
  } else if (key == "user") {
    config.user = asString(node);
  } else if (node.is_table()) {
    fail(key.source().begin, "unknown table [" + std::string(key.str()) + "]");
  } else {
    unknownKey(key, "");
  }
}

}  // namespace

void applyConfigText(ServerConfig& config, std::string_view text) {
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& e) {
    fail(e.source().begin, std::string(e.description()));
  }
  for (const auto& [key, node] : root) {
    if (key == "anonymous") {
      applyAnonymous(config.anonymous, asTable(node, "anonymous"));
    } else if (key == "metrics") {
      applyMetrics(config.metrics, asTable(node, "metrics"));
    } else if (key == "tokens") {
      applyTokens(config, asTable(node, "tokens"));
    } else {
      applyTopLevel(config, key, node);
    }
  }
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    throw std::invalid_argument("tls_cert and tls_key go together: set both or neither");
  }
}

std::pair<std::string, std::uint16_t> splitListen(std::string_view listen) {
  auto colon = listen.rfind(':');
  if (colon == listen.npos || colon == 0) {
    throw std::invalid_argument("listen address '" + std::string(listen) + "' needs HOST:PORT");
  }
  std::string host(listen.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto digits = listen.substr(colon + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc{} || end != digits.data() + digits.size() || port > 65535) {
    throw std::invalid_argument("bad port in listen address '" + std::string(listen) + "'");
  }
  return {host, static_cast<std::uint16_t>(port)};
}

}  // namespace portlens::server
