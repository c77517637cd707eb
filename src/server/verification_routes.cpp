#include "server/verification_routes.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

#include "server/api_error.h"
#include "server/api_request.h"
#include "server/verification_probes.h"
#include "store/verification_store.h"

namespace portlens::server {
namespace {

using target_policy::Challenge;
using target_policy::DnsType;

constexpr std::chrono::hours kChallengeTtl{24};
constexpr std::size_t kMaxBody = 4096;
constexpr std::size_t kMaxAddressesPerName = 16;
constexpr std::size_t kMaxFetches = 4;  // HTTP tries per check: 4 x 5 s at most

std::string randomHex(std::size_t bytes) {
  std::random_device random;  // getrandom(2) on Linux
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    const auto byte = random() & 0xFF;
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xF];
  }
  return out;
}

std::string isoTime(target_policy::WallTime time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string httpPath(const Challenge& c) { return "/.well-known/portlens-challenge/" + c.token; }

std::string dnsName(const Challenge& c) { return "_portlens-challenge." + c.target.name; }

std::string targetField(const std::string& body) {
  const auto doc = parseJsonObject(body, kMaxBody);
  if (!doc.contains("target") || !doc["target"].is_string()) {
    throw ApiError(400, "invalid_field", "'target' (a hostname, address or CIDR) is required");
  }
  return doc["target"].get<std::string>();
}

target_policy::Cidr hostBlock(const core::IpAddress& address) {
  return {address, address, address.isV4() ? 32u : 128u};
}

// A block is fetched from its first host address: the address itself for a /32 (/128) or
// /31 (/127), the network address + 1 otherwise.
core::IpAddress firstHost(const target_policy::Cidr& block) {
  if (block.first == block.last) return block.first;
  const bool tiny = block.prefix >= (block.first.isV4() ? 31u : 127u);
  if (tiny) return block.first;
  return block.first.isV4() ? core::IpAddress::fromV4(block.first.v4() + 1)
                            : core::IpAddress::fromV6(block.first.v6() + 1);
}

std::int64_t msOf(target_policy::WallTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

target_policy::WallTime timeOf(std::int64_t ms) {
  return target_policy::WallTime(std::chrono::milliseconds(ms));
}

store::VerificationRow rowOf(const Challenge& c) {
  store::VerificationRow row;
  row.public_id = c.id;
  row.owner = c.owner;
  row.target = c.target.toString();
  row.status = c.status == target_policy::ChallengeStatus::kVerified ? "verified" : "pending";
  row.method = c.method;
  row.token = c.token;
  row.created_ms = msOf(c.created);
  row.verified_ms = c.verified == target_policy::WallTime{} ? 0 : msOf(c.verified);
  row.expires_ms = msOf(c.expires);
  for (const auto& block : c.proved) row.proved.push_back(block.toString());
  row.last_error = c.last_error;
  return row;
}

// A stored row as a challenge; nullopt when the current policy refuses its target (a test-only
// public range no longer configured, say) or a field does not parse: such a row opens nothing.
std::optional<Challenge> challengeOf(const store::VerificationRow& row,
                                     const std::vector<target_policy::Cidr>& treat_as_public) {
  Challenge c;
  try {
    c.target = target_policy::parseVerificationTarget(row.target, treat_as_public);
  } catch (const target_policy::PolicyError&) {
    return std::nullopt;
  }
  for (const auto& text : row.proved) {
    auto block = target_policy::parseCidr(text);
    if (!block) return std::nullopt;
    c.proved.push_back(*block);
  }
  c.id = row.public_id;
  c.owner = row.owner;
  c.token = row.token;
  c.status = row.status == "verified" ? target_policy::ChallengeStatus::kVerified
                                      : target_policy::ChallengeStatus::kPending;
  c.method = row.method;
  c.created = timeOf(row.created_ms);
  c.verified = row.verified_ms == 0 ? target_policy::WallTime{} : timeOf(row.verified_ms);
  c.expires = timeOf(row.expires_ms);
  c.last_error = row.last_error;
  return c;
}

}  // namespace

VerificationProbes networkProbes(const ServerConfig& config, core::Clock& clock) {
  const DnsServer server =
      config.resolver.empty() ? systemDnsServer() : parseDnsServer(config.resolver);
  VerificationProbes probes;
  probes.dns = [server, &clock](const std::string& name, DnsType type) {
    return queryDns(clock, server, name, type);
  };
  probes.http = [&clock](const core::IpAddress& address, const std::string& host,
                         const std::string& path, const std::string& token, std::string& why) {
    return fetchContains(clock, address, 80, host, path, token, why);
  };
  return probes;
}

VerificationRoutes::VerificationRoutes(const ServerConfig& config, StorePool& pool,
                                       core::Clock& clock, VerificationProbes probes)
    : config_(config),
      pool_(pool),
      clock_(clock),
      probes_(probes.dns ? std::move(probes) : networkProbes(config, clock)),
      book_(kChallengeTtl, config.verification_ttl) {
  restoreFromStore();
}

void VerificationRoutes::restoreFromStore() {
  const auto now = clock_.wallNow();
  auto lease = pool_.take();
  store::VerificationStore rows(*lease);
  // The book lists an ended challenge for one challenge lifetime; rows older than that go.
  rows.deleteEndedBefore(msOf(now - kChallengeTtl));
  for (const auto& row : rows.all()) {
    if (auto c = challengeOf(row, config_.unsafe_test_public_ranges)) book_.restore(*c, now);
  }
}

std::pair<int, Json> VerificationRoutes::handle(const std::string& method,
                                                const std::vector<std::string>& parts,
                                                const std::string& owner, const std::string& body) {
  const bool get = method == "GET" || method == "HEAD";
  const bool post = method == "POST";
  if (parts.empty()) {
    if (post) return create(owner, body);
    if (!get) throw ApiError(405, "method_not_allowed", "method not allowed");
    Json list = Json::array();
    for (const auto& c : book_.list(owner, clock_.wallNow())) list.push_back(toJson(c));
    return {200, Json{{"verifications", list}}};
  }
  if (parts.size() == 1 && get) {
    auto c = book_.find(owner, parts[0], clock_.wallNow());
    if (!c) throw ApiError(404, "not_found", "no such verification");
    return {200, toJson(*c)};
  }
  if (parts.size() == 2 && parts[1] == "check") {
    if (!post) throw ApiError(405, "method_not_allowed", "use POST");
    return check(owner, parts[0]);
  }
  if (parts.size() == 1) throw ApiError(405, "method_not_allowed", "method not allowed");
  throw ApiError(404, "not_found", "no such endpoint");
}

std::pair<int, Json> VerificationRoutes::create(const std::string& owner, const std::string& body) {
  target_policy::VerificationTarget target;
  try {
    target = target_policy::parseVerificationTarget(targetField(body),
                                                    config_.unsafe_test_public_ranges);
  } catch (const target_policy::PolicyError& e) {
    throw apiErrorOf(e);
  }
  try {
    auto c = book_.create(owner, std::move(target), randomHex(8), "portlens-" + randomHex(16),
                          clock_.wallNow());
    auto lease = pool_.take();
    store::VerificationStore(*lease).insert(rowOf(c));
    return {201, toJson(c)};
  } catch (const target_policy::PolicyError& e) {
    throw ApiError(429, "too_many_verifications", e.what(), 60);
  }
}

std::vector<core::IpAddress> VerificationRoutes::resolve(const std::string& name) {
  std::vector<core::IpAddress> out;
  for (const auto type : {DnsType::kA, DnsType::kAaaa}) {
    try {
      for (const auto& address : probes_.dns(name, type).addresses) {
        if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(address);
      }
    } catch (const target_policy::DnsError&) {
      // A resolver that fails AAAA (or A) still leaves the other family.
    }
  }
  if (out.size() > kMaxAddressesPerName) out.resize(kMaxAddressesPerName);
  return out;
}

std::vector<core::IpAddress> VerificationRoutes::addressesOf(
    const target_policy::VerificationTarget& target) {
  if (target.block) return {firstHost(*target.block)};
  auto addresses = resolve(target.name);
  if (addresses.empty()) {
    throw ApiError(422, "verification_failed", target.name + " has no address");
  }
  try {
    target_policy::refuseSpecialAddresses(addresses, config_.unsafe_test_public_ranges);
  } catch (const target_policy::PolicyError& e) {
    throw apiErrorOf(e);
  }
  return addresses;
}

std::pair<int, Json> VerificationRoutes::check(const std::string& owner, const std::string& id) {
  auto c = book_.find(owner, id, clock_.wallNow());
  if (!c) throw ApiError(404, "not_found", "no such verification");
  if (c->status != target_policy::ChallengeStatus::kPending) return {200, toJson(*c)};
  if (int wait = book_.takeCheck(owner, id, clock_.wallNow()); wait > 0) {
    throw ApiError(
        429, "rate_limited",
        "this challenge was checked moments ago; retry in " + std::to_string(wait) + " s", wait);
  }
  std::vector<std::string> reasons;
  std::vector<core::IpAddress> addresses;
  try {
    addresses = addressesOf(c->target);
  } catch (const ApiError& e) {
    // "has no address" and a name pointing inside are the holder's to fix: the card says why.
    recordFailure(owner, id, e.what());
    throw;
  }
  std::string method;
  std::vector<target_policy::Cidr> proved;
  if (!c->target.name.empty()) {
    try {
      for (const auto& text : probes_.dns(dnsName(*c), DnsType::kTxt).texts) {
        if (text.find(c->token) != std::string::npos) method = "dns";
      }
      if (method.empty()) reasons.push_back("no TXT record at " + dnsName(*c) + " has the token");
    } catch (const target_policy::DnsError& e) {
      reasons.push_back(std::string("DNS: ") + e.what());
    }
    // The name is proved: it opens the addresses it resolves to now.
    if (!method.empty()) {
      for (const auto& a : addresses) proved.push_back(hostBlock(a));
    }
  }
  if (method.empty()) {
    std::string host = c->target.name;
    if (host.empty()) {
      host = addresses[0].isV4() ? addresses[0].toString() : "[" + addresses[0].toString() + "]";
    }
    for (std::size_t i = 0; i < addresses.size() && i < kMaxFetches; ++i) {
      const auto& address = addresses[i];
      std::string why;
      if (probes_.http(address, host, httpPath(*c), c->token, why)) {
        method = "http";
        // An address block is proved by its first host; a name by each address that served it.
        proved.push_back(c->target.block ? *c->target.block : hostBlock(address));
      } else {
        reasons.push_back("HTTP: " + why);
      }
    }
  }
  if (method.empty()) {
    std::string joined;
    for (const auto& r : reasons) joined += (joined.empty() ? "" : "; ") + r;
    recordFailure(owner, id, joined);
    throw ApiError(422, "verification_failed", "not proved: " + joined);
  }
  auto done = book_.markProved(owner, id, method, std::move(proved), clock_.wallNow());
  if (!done) {
    // Another check proved it meanwhile, or it lapsed during this one.
    auto now = book_.find(owner, id, clock_.wallNow());
    if (now && now->status == target_policy::ChallengeStatus::kVerified) return {200, toJson(*now)};
    throw ApiError(410, "expired", "the challenge expired; ask for a new one");
  }
  auto lease = pool_.take();
  const auto row = rowOf(*done);
  store::VerificationStore(*lease).markVerified(owner, id, row.method, row.proved, row.verified_ms,
                                                row.expires_ms);
  return {200, toJson(*done)};
}

void VerificationRoutes::recordFailure(const std::string& owner, const std::string& id,
                                       const std::string& why) {
  book_.markFailed(owner, id, why);
  auto lease = pool_.take();
  store::VerificationStore(*lease).setLastError(owner, id, why);
}

std::vector<target_policy::Cidr> VerificationRoutes::verifiedBlocks(const std::string& owner) {
  return book_.verifiedBlocks(owner, clock_.wallNow());
}

void VerificationRoutes::restrictToVerified(target_policy::TargetPolicy& policy,
                                            const std::string& owner) {
  policy.require_verified = config_.require_verified_targets;
  policy.verified = verifiedBlocks(owner);
  policy.unsafe_treat_as_public = config_.unsafe_test_public_ranges;
}

Json VerificationRoutes::toJson(const Challenge& c) const {
  Json out{{"id", c.id},
           {"target", c.target.toString()},
           {"status", std::string(target_policy::toString(c.status))},
           {"created_at", isoTime(c.created)},
           {"expires_at", isoTime(c.expires)},
           {"url", "/api/v1/verifications/" + c.id}};
  if (c.status == target_policy::ChallengeStatus::kPending) {
    out["token"] = c.token;
    Json methods = Json::object();
    if (!c.target.name.empty()) {
      methods["dns"] = {{"name", dnsName(c)}, {"type", "TXT"}, {"value", c.token}};
    }
    const std::string host =
        c.target.name.empty() ? firstHost(*c.target.block).toString() : c.target.name;
    const bool v6 = host.find(':') != std::string::npos;
    methods["http"] = {{"url", "http://" + (v6 ? "[" + host + "]" : host) + httpPath(c)},
                       {"body_contains", c.token}};
    out["methods"] = methods;
    out["check_url"] = "/api/v1/verifications/" + c.id + "/check";
    if (!c.last_error.empty()) out["last_error"] = c.last_error;
  } else if (c.status == target_policy::ChallengeStatus::kVerified) {
    out["method"] = c.method;
    out["verified_at"] = isoTime(c.verified);
    Json proved = Json::array();
    for (const auto& block : c.proved) proved.push_back(block.toString());
    out["proved"] = proved;
  }
  return out;
}

}  // namespace portlens::server
