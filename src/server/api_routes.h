// The REST API and the page, as one function per route over plain request/response values
// (http_types.h). Called on the HTTP threads; each call leases a store connection for its
// duration. Every error becomes {"error":{"code","message"}} with its status (429 also
// carries Retry-After). The live event stream is not here: http_server.cpp drives it with
// event_stream.h after authorizeScanRead() says the caller may see the scan.
//
// Access: a valid `Authorization: Bearer TOKEN` makes the caller that token (its allowed
// blocks: token record + config [tokens.NAME]); admins see every scan, others their own.
// Without a token the caller is anonymous: its own address only, rate-limited, and it sees
// only the scans it made from that address. POSTs must carry a token or a JSON content type,
// which a cross-site form cannot send (and no CORS is ever granted), so no request that
// changes state can be forged from another origin.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/port_registry.h"
#include "server/client_limiter.h"
#include "server/http_types.h"
#include "server/job_runner.h"
#include "server/monitor_routes.h"
#include "server/result_cache.h"
#include "server/server_config.h"
#include "server/store_pool.h"
#include "server/syn_runners.h"
#include "server/verification_routes.h"
#include "target_policy/cidr.h"

namespace portlens::server {

struct Caller {
  bool anonymous = true;
  std::string name;   // token name; "" when anonymous
  std::string owner;  // the scans' owner key: token name, or "anon:" + address
  bool admin = false;
  std::vector<target_policy::Cidr> allow;
  core::IpAddress address;
};

class ApiRoutes {
 public:
  // `clock` paces the anonymous rate limit and seeds scans.
  // `probes` reach the network for target verification; empty: networkProbes(config, clock).
  ApiRoutes(const ServerConfig& config, StorePool& pool, JobRunner& jobs,
            const registry::PortRegistry& registry, core::Clock& clock,
            VerificationProbes probes = {});

  HttpResponse handle(const HttpRequest& request);

  // For the event stream: the scan id of /api/v1/scans/{id}/events when the caller may read
  // it; throws ApiError otherwise.
  std::int64_t authorizeScanRead(const HttpRequest& request, std::int64_t id);

  // The proofs of target verification applied to a non-admin token holder's policy (for the
  // monitors' scheduler, which checks each run's targets again). Thread-safe.
  void restrictToVerified(target_policy::TargetPolicy& policy, const std::string& owner) {
    verifications_.restrictToVerified(policy, owner);
  }

  // The error answer for an ApiError (also used by the event stream before it starts).
  static HttpResponse errorResponse(int status, const std::string& code, const std::string& message,
                                    int retry_after = 0);

 private:
  HttpResponse route(const HttpRequest& request);
  Caller authenticate(const HttpRequest& request);
  store::ScanRow visibleScan(store::ScanStore& store, const Caller& caller, std::int64_t id);

  HttpResponse createScan(const HttpRequest& request);
  HttpResponse listScans(const HttpRequest& request);
  HttpResponse getScan(const HttpRequest& request, std::int64_t id);
  HttpResponse getResults(const HttpRequest& request, std::int64_t id);
  HttpResponse cancelScan(const HttpRequest& request, std::int64_t id);
  HttpResponse diff(const HttpRequest& request, std::int64_t a, std::int64_t b);
  HttpResponse explainPort(const std::string& what);
  HttpResponse whoami(const HttpRequest& request);
  HttpResponse listWorkers(const HttpRequest& request);
  HttpResponse asset(const std::string& path);

  const ServerConfig& config_;
  StorePool& pool_;
  JobRunner& jobs_;
  const registry::PortRegistry& registry_;
  core::Clock& clock_;
  ClientLimiter limiter_;
  ResultCache results_cache_;
  std::atomic<std::uint64_t> seed_counter_;  // POSTs run on several threads
  SynRunners syn_runners_;                   // a live SYN-capable runner: mode "syn" is accepted
  MonitorRoutes monitors_;                   // /api/v1/monitors and /api/v1/findings
  VerificationRoutes verifications_;
};

}  // namespace portlens::server
