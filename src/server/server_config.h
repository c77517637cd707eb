// What `portlens serve` is told by its config file (portlens.toml) and options. Built by
// cli/serve_command, passed by const reference. The file is TOML, read by toml++; the keys and
// tables below are all there is: unknown keys and tables are errors (with line and column), so
// a typo never silently disables a limit. Pure (the caller reads the file).
//
//   listen = "127.0.0.1:8080"
//   db = "portlens.db"
//   max_running_scans = 2          # scans run at once; the rest wait in the queue
//   workers = 2                    # in-process scan runners (serve --workers); default
//                                  # max_running_scans; 0 = scanning left to `portlens worker`
//   shard_pairs = 65536            # a new scan is split into shards of at most this many
//                                  # (host, port) pairs (store/shard_plan.h)
//   worker_lease_ms = 15000        # lease length of the in-process runners' shards
//   max_probes = 16777216          # hosts x ports cap for token holders
//   http_threads = 2
//   reverse_dns = true             # small scans: hosts named by PTR / hosts file (2 s cap)
//   alert_destinations = ["http://127.0.0.1:9093", "smtp://127.0.0.1:25", "unix:/dev/log"]
//                                  # what non-admin tokens may name in a monitor's "alerts"
//                                  # (alerts/destination.h); empty: only admins name any
//   retention_days = 0             # finished scans older than this are removed in the
//                                  # background (0 = kept); never a monitor's last result
//   trusted_proxies = ["127.0.0.1"] # peers whose Forwarded / X-Forwarded-For are believed
//   tls_cert = "/etc/portlens/cert.pem"  # both set: the listener speaks HTTPS only (TLS 1.2+);
//   tls_key = "/etc/portlens/key.pem"    # re-read on SIGHUP
//   user = "portlens"              # started as root: the account serve becomes (default
//                                  # portlens if it exists, else nobody; docs/deploy.md)
//   resolver = "198.18.0.53:53"    # DNS server of target verification (default: resolv.conf)
//   verification_ttl = 604800      # seconds a proved target stays open to its token
//   require_verified_targets = true  # non-admin tokens scan public addresses only once proved
//   unsafe_test_public_ranges = [] # TESTS ONLY: special blocks treated as public (see below)
//   [anonymous]                    # callers without a token: their own address only
//   max_probes = 1000
//   scans_per_minute = 3           # token bucket per client address (429 + Retry-After)
//   max_active_scans = 1           # queued + running per client address
//   allow = []                     # special ranges opened to anonymous callers
//   [tokens.lab]                   # by token name: special ranges this token may scan
//   allow = ["198.19.0.0/16", "2001:2:0:1::/64"]
//   [metrics]                      # GET /metrics (Prometheus text format)
//   enabled = true                 # false: /metrics answers 404
//   bearer_token = ""              # set: scrapes need "Authorization: Bearer <it>" (else 401)
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "target_policy/cidr.h"

namespace portlens::server {

struct AnonymousLimits {
  std::uint64_t max_probes = 1000;
  double scans_per_minute = 3;
  std::uint64_t max_active_scans = 1;
  std::vector<target_policy::Cidr> allow;
};

// GET /metrics is open by default, as Prometheus scrapes expect: it names no address, path or
// token (route templates and bounded label sets only), and the server listens on loopback
// unless told otherwise. A server exposed to others can require a bearer token or turn it off.
struct MetricsSettings {
  bool enabled = true;
  std::string bearer_token;  // "" = no token needed
};

enum class LogFormat { kText, kJson };  // server_log.h

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  std::string db = "portlens.db";
  unsigned max_running_scans = 2;
  int workers = -1;  // in-process scan runners; -1 = max_running_scans
  std::uint64_t shard_pairs = 65536;
  std::int64_t worker_lease_ms = 15000;
  unsigned inProcessWorkers() const {
    return workers < 0 ? max_running_scans : static_cast<unsigned>(workers);
  }
  std::uint64_t max_probes = std::uint64_t{1} << 24;
  unsigned http_threads = 2;
  std::vector<std::string> alert_destinations;  // allow list, checked by alerts/destination.h
  bool reverse_dns = true;           // name address targets of small scans by their reverse names
  std::uint64_t retention_days = 0;  // 0 = finished scans are kept
  // Target verification (issue 14). When `resolver` is set, scan requests also resolve
  // hostnames through it (so the proof and the scan see the same DNS).
  std::string resolver;
  std::chrono::seconds verification_ttl{7 * 24 * 3600};
  bool require_verified_targets = true;
  // UNSAFE outside tests: these blocks stop being special ranges for verification and for
  // non-admin tokens, so the integration test can use the lab block (198.18.0.0/15) as if it
  // were the public internet. A production config must leave it empty.
  std::vector<target_policy::Cidr> unsafe_test_public_ranges;
  AnonymousLimits anonymous;
  MetricsSettings metrics;
  // Reverse proxies in front of serve (target_policy/forwarded.h); empty: headers ignored.
  std::vector<target_policy::Cidr> trusted_proxies;
  std::string tls_cert;  // PEM chain; with tls_key, native TLS (server/tls_context.h)
  std::string tls_key;
  // Started as root: the unprivileged account the web process and its SYN runner become.
  // Empty: "portlens" when that account exists, else "nobody" (net/privileges.h).
  std::string user;
  LogFormat log_format = LogFormat::kText;                              // `serve --log-format`
  std::map<std::string, std::vector<target_policy::Cidr>> token_allow;  // by token name
};

// Applies the file's settings over `config`. Throws std::invalid_argument with
// "line N, column M: ..." on a TOML syntax error, an unknown key or table, a value of the
// wrong type, a negative count or an invalid CIDR, and when only one of tls_cert / tls_key
// is set.
void applyConfigText(ServerConfig& config, std::string_view text);

// "127.0.0.1:8080", "[::1]:8080" -> host and port; throws std::invalid_argument.
std::pair<std::string, std::uint16_t> splitListen(std::string_view listen);

}  // namespace portlens::server
