// The monitor and finding routes of the REST API (api_routes.h dispatches /api/v1/monitors...
// and /api/v1/findings... here with the authenticated caller). Called on the HTTP threads;
// each call leases a store connection. Monitors need a token (401 without); a caller sees
// and changes its own monitors, an admin every one; someone else's answers 404.
//   POST   /api/v1/monitors                 create (201, Location)
//   GET    /api/v1/monitors                 {"monitors":[...]}
//   GET    /api/v1/monitors/{id}            one, with its last run and open findings count
//   PATCH  /api/v1/monitors/{id}            edit any field; {"paused":true|false} pauses/resumes
//   DELETE /api/v1/monitors/{id}            {"deleted":id}
//   GET    /api/v1/monitors/{id}/runs       {"runs":[SCAN...],"next_before":...}, newest first
//   GET    /api/v1/findings?monitor=ID&state=open|resolved|all&limit=N
//   POST   /api/v1/findings/{id}/acknowledge
// Targets are checked against the target policy with the caller's rights when stored, and
// again with the owner token's rights at every run (monitor_scheduler.h).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "registry/port_registry.h"
#include "server/api_request.h"
#include "server/http_types.h"
#include "server/server_config.h"
#include "server/store_pool.h"
#include "target_policy/cidr.h"
#include "target_policy/target_policy.h"

namespace portlens::server {

struct Caller;

// Narrows the target policy of a non-admin token holder (`owner`) to what it may scan: public
// addresses only once proved (ApiRoutes::restrictToVerified, verification_routes.h). Monitors
// call it when they are created or edited and at every run, since proofs expire.
using TargetRestriction =
    std::function<void(target_policy::TargetPolicy& policy, const std::string& owner)>;

class MonitorRoutes {
 public:
  MonitorRoutes(const ServerConfig& config, StorePool& pool, const registry::PortRegistry& registry,
                core::Clock& clock, SynCheck syn_available,
                TargetRestriction restrict_targets = {});

  // `parts`: the path's segments (api, v1, monitors|findings, ...). Throws ApiError.
  HttpResponse handle(const HttpRequest& request, const Caller& caller,
                      const std::vector<std::string>& parts);

 private:
  HttpResponse create(const HttpRequest& request, const Caller& caller);
  HttpResponse list(const Caller& caller);
  HttpResponse get(const Caller& caller, std::int64_t id);
  HttpResponse patch(const HttpRequest& request, const Caller& caller, std::int64_t id);
  HttpResponse remove(const Caller& caller, std::int64_t id);
  HttpResponse runs(const HttpRequest& request, const Caller& caller, std::int64_t id);
  HttpResponse findings(const HttpRequest& request, const Caller& caller);
  HttpResponse acknowledge(const Caller& caller, std::int64_t id);
  void checkTargets(const Caller& caller, const std::string& targets, std::uint64_t ports);
  void checkAlerts(const Caller& caller, const std::string& alerts_json);

  const ServerConfig& config_;
  StorePool& pool_;
  const registry::PortRegistry& registry_;
  core::Clock& clock_;
  SynCheck syn_available_;
  TargetRestriction restrict_targets_;
};

}  // namespace portlens::server
