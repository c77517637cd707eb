// The verification endpoints of the REST API (issue 14, "verified targets"), called by
// ApiRoutes on the HTTP threads once the caller is authenticated as a token:
//
//   POST /api/v1/verifications {"target":"scanme.example"}   201, a new challenge
//   GET  /api/v1/verifications                               200, the token's challenges
//   GET  /api/v1/verifications/{id}                          200, one (404 for another's)
//   POST /api/v1/verifications/{id}/check                    200 verified | 422 not proved
//
// Proofs: a TXT record at _portlens-challenge.NAME containing the token (names only), or
// http://HOST/.well-known/portlens-challenge/TOKEN answering 200 with the token in its body
// (names and address blocks; a block is fetched from its first host address). A proof opens
// the addresses it concerns (target_policy/verification.h) for `verification_ttl`; every
// address a name resolves to must be public, or the check fails before any HTTP request.
// Names resolve through the configured `resolver` (a UDP DNS client, verification_probes.h).
// Challenges and proofs are written through to the store's `verifications` table
// (store/verification_store.h) and read back at construction, so a restart keeps them.
// A check blocks its HTTP thread for at most ~4 s of DNS per lookup and 5 s per HTTP fetch.
// Errors are ApiError (401 for anonymous callers, 400/403/413 from the target policy).
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "server/http_types.h"
#include "server/scan_views.h"
#include "server/server_config.h"
#include "server/store_pool.h"
#include "target_policy/dns_message.h"
#include "target_policy/target_policy.h"
#include "target_policy/verification.h"

namespace portlens::server {

// The network, injected so unit tests run without sockets.
struct VerificationProbes {
  std::function<target_policy::DnsAnswer(const std::string& name, target_policy::DnsType type)> dns;
  std::function<bool(const core::IpAddress& address, const std::string& host,
                     const std::string& path, const std::string& token, std::string& why)>
      http;
};

// The real probes: DNS to config.resolver (or the system's first nameserver), HTTP to port 80.
VerificationProbes networkProbes(const ServerConfig& config, core::Clock& clock);

class VerificationRoutes {
 public:
  // Restores the book from `pool`'s store (and drops rows long expired).
  VerificationRoutes(const ServerConfig& config, StorePool& pool, core::Clock& clock,
                     VerificationProbes probes);

  // `parts` are the path segments after /api/v1/verifications; `owner` the token name.
  std::pair<int, Json> handle(const std::string& method, const std::vector<std::string>& parts,
                              const std::string& owner, const std::string& body);

  // The blocks `owner` proved, still valid now: TargetPolicy::verified.
  std::vector<target_policy::Cidr> verifiedBlocks(const std::string& owner);

  // Makes `policy` that of a non-admin token holder `owner`: public addresses need a proof
  // (require_verified_targets), the proved blocks, the test-only public ranges. Every place
  // that checks a token's targets (scans, monitors) calls it for non-admin tokens.
  void restrictToVerified(target_policy::TargetPolicy& policy, const std::string& owner);

  // A/AAAA of `name` through the configured resolver (empty when it does not resolve).
  std::vector<core::IpAddress> resolve(const std::string& name);

 private:
  std::pair<int, Json> create(const std::string& owner, const std::string& body);
  std::pair<int, Json> check(const std::string& owner, const std::string& id);
  Json toJson(const target_policy::Challenge& challenge) const;
  // The addresses to fetch from and to open for a challenge's target; throws ApiError.
  std::vector<core::IpAddress> addressesOf(const target_policy::VerificationTarget& target);
  void restoreFromStore();
  // A failed check's reason, kept (book and store) for the holder's next GET.
  void recordFailure(const std::string& owner, const std::string& id, const std::string& why);

  const ServerConfig& config_;
  StorePool& pool_;
  core::Clock& clock_;
  VerificationProbes probes_;
  target_policy::VerificationBook book_;
};

}  // namespace portlens::server
