#include "server/api_routes.h"

#include <fmt/core.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "net/privileges.h"
#include "net/resolver.h"
#include "registry/port_explanation.h"
#include "registry/port_query.h"
#include "server/api_error.h"
#include "server/api_request.h"
#include "server/scan_views.h"
#include "server/token_access.h"
#include "server/web_assets.h"
#include "server/worker_views.h"
#include "store/sha256.h"
#include "store/shard_store.h"
#include "target_policy/target_policy.h"

namespace portlens::server {
namespace {

constexpr std::size_t kMaxPageSize = 200;

std::optional<std::string> param(const std::map<std::string, std::string>& q, const char* key) {
  auto it = q.find(key);
  return it == q.end() ? std::nullopt : std::optional<std::string>(it->second);
}

// Splits "/api/v1/scans/12/results" into segments.
std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    auto slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

}  // namespace

ApiRoutes::ApiRoutes(const ServerConfig& config, StorePool& pool, JobRunner& jobs,
                     const registry::PortRegistry& registry, core::Clock& clock,
                     VerificationProbes probes)
    : config_(config),
      pool_(pool),
      jobs_(jobs),
      registry_(registry),
      clock_(clock),
      limiter_(config.anonymous.scans_per_minute),
      seed_counter_(static_cast<std::uint64_t>(clock.wallNow().time_since_epoch().count())),
      syn_runners_(pool, clock),
      monitors_(
          config, pool, registry, clock, [this] { return syn_runners_.available(); },
          [this](target_policy::TargetPolicy& policy, const std::string& owner) {
            verifications_.restrictToVerified(policy, owner);
          }),
      verifications_(config, pool, clock, std::move(probes)) {}

HttpResponse ApiRoutes::errorResponse(int status, const std::string& code,
                                      const std::string& message, int retry_after) {
  Json body;
  body["error"] = {{"code", code}, {"message", message}};
  auto r = jsonResponse(status, body);
  if (retry_after > 0) r.headers.emplace_back("Retry-After", std::to_string(retry_after));
  return r;
}

HttpResponse ApiRoutes::handle(const HttpRequest& request) {
  try {
    return route(request);
  } catch (const ApiError& e) {
    return errorResponse(e.status(), e.code(), e.what(), e.retryAfter());
  } catch (const std::exception& e) {
    return errorResponse(500, "internal", std::string("internal error: ") + e.what());
  }
}

HttpResponse ApiRoutes::route(const HttpRequest& request) {
  const auto& path = request.path;
  const bool get = request.method == "GET" || request.method == "HEAD";
  const bool post = request.method == "POST";
  if (path == "/healthz") {
    if (!get) throw ApiError(405, "method_not_allowed", "use GET");
    return jsonResponse(200, {{"status", "ok"}});
  }
  if (path.rfind("/api/", 0) != 0) {
    if (!get) throw ApiError(405, "method_not_allowed", "use GET");
    return asset(path);
  }
  auto parts = segments(path);  // api, v1, ...
  if (parts.size() < 3 || parts[1] != "v1") throw ApiError(404, "not_found", "no such endpoint");
  auto method_error = [] { return ApiError(405, "method_not_allowed", "method not allowed"); };
  if (parts[2] == "whoami" && parts.size() == 3) {
    if (!get) throw method_error();
    return whoami(request);
  }
  if (parts[2] == "workers" && parts.size() == 3) {
    if (!get) throw method_error();
    return listWorkers(request);
  }
  if (parts[2] == "ports" && parts.size() == 4) {
    if (!get) throw method_error();
    return explainPort(parts[3]);
  }
  if (parts[2] == "monitors" || parts[2] == "findings") {
    if (post && request.authorization.empty()) {
      throw ApiError(401, "unauthorized", "monitors need an API token");
    }
    return monitors_.handle(request, authenticate(request), parts);
  }
  if (parts[2] == "verifications") {
    auto caller = authenticate(request);
    if (caller.anonymous) {
      throw ApiError(401, "unauthorized", "verifying a target needs an API token");
    }
    auto [status, body] = verifications_.handle(
        request.method, std::vector<std::string>(parts.begin() + 3, parts.end()), caller.owner,
        request.body);
    auto r = jsonResponse(status, body);
    if (status == 201) r.headers.emplace_back("Location", body["url"].get<std::string>());
    return r;
  }
  if (parts[2] != "scans") throw ApiError(404, "not_found", "no such endpoint");
  if (parts.size() == 3) {
    if (post) return createScan(request);
    if (get) return listScans(request);
    throw method_error();
  }
  const std::int64_t id = parseId(parts[3]);
  if (parts.size() == 4) {
    if (!get) throw method_error();
    return getScan(request, id);
  }
  if (parts.size() == 5 && parts[4] == "results") {
    if (!get) throw method_error();
    return getResults(request, id);
  }
  if (parts.size() == 5 && parts[4] == "cancel") {
    if (!post) throw method_error();
    return cancelScan(request, id);
  }
  if (parts.size() == 6 && parts[4] == "diff") {
    if (!get) throw method_error();
    return diff(request, id, parseId(parts[5]));
  }
  throw ApiError(404, "not_found", "no such endpoint");
}

Caller ApiRoutes::authenticate(const HttpRequest& request) {
  Caller caller;
  caller.address = request.client;
  auto token = parseBearer(request.authorization);
  if (!token) {
    caller.owner = "anon:" + request.client.toString();
    caller.allow = config_.anonymous.allow;
    return caller;
  }
  auto store = pool_.take();
  auto row = store->tokenByHash(store::sha256Hex(*token));
  if (!row) throw ApiError(401, "unauthorized", "unknown API token");
  caller.anonymous = false;
  caller.name = row->name;
  if (request.notes != nullptr) request.notes->token = row->name;
  caller.owner = row->name;
  caller.admin = row->admin;
  caller.allow = tokenAllow(config_, *row);
  return caller;
}

store::ScanRow ApiRoutes::visibleScan(store::ScanStore& store, const Caller& caller,
                                      std::int64_t id) {
  auto row = store.scan(id);
  // Someone else's scan answers like a missing one: ids are not a way to probe the history.
  if (!row || (!caller.admin && row->owner != caller.owner)) {
    throw ApiError(404, "not_found", "no such scan");
  }
  return *row;
}

std::int64_t ApiRoutes::authorizeScanRead(const HttpRequest& request, std::int64_t id) {
  auto caller = authenticate(request);
  auto store = pool_.take();
  visibleScan(*store, caller, id);
  return id;
}

HttpResponse ApiRoutes::createScan(const HttpRequest& request) {
  if (request.authorization.empty() && request.content_type.rfind("application/json", 0) != 0) {
    throw ApiError(415, "unsupported_media_type",
                   "send the scan as Content-Type: application/json");
  }
  auto caller = authenticate(request);
  auto scan_request =
      parseScanRequest(request.body, registry_, [this] { return syn_runners_.available(); });
  target_policy::TargetPolicy policy;
  policy.allowed = caller.allow;
  policy.max_probes = caller.anonymous ? config_.anonymous.max_probes : config_.max_probes;
  if (caller.anonymous) policy.only_address = caller.address;
  if (!caller.anonymous && !caller.admin) verifications_.restrictToVerified(policy, caller.owner);
  // Name resolution happens here, once; the job scans exactly these addresses.
  core::HostResolver resolver = net::resolveHostname;
  if (!config_.resolver.empty()) {
    resolver = [this](const std::string& name) { return verifications_.resolve(name); };
  }
  core::TargetSet targets;
  try {
    targets = target_policy::checkTargets(policy, scan_request.targets, scan_request.ports.size(),
                                          resolver);
  } catch (const target_policy::PolicyError& e) {
    auto error = apiErrorOf(e);
    if (request.notes != nullptr) {
      request.notes->refused_targets = scan_request.targets;
      request.notes->refused_code = error.code();
      request.notes->refused_reason = error.what();
    }
    throw error;
  }
  auto store = pool_.take();
  if (caller.anonymous) {
    if (store->countActive(caller.owner, caller.address.toString()) >=
        config_.anonymous.max_active_scans) {
      throw ApiError(429, "too_many_scans",
                     "you already have a scan queued or running; wait for it to finish", 10);
    }
    if (int wait = limiter_.take(caller.address, clock_.now()); wait > 0) {
      throw ApiError(429, "rate_limited",
                     "too many scans from your address; retry in " + std::to_string(wait) + " s",
                     wait);
    }
  }
  store::NewScan scan;
  scan.owner = caller.owner;
  scan.client = caller.address.toString();
  scan.targets_text = scan_request.targets;
  scan.mode = scan_request.mode;
  scan.ports_spec = scan_request.ports.toString();
  scan.ports_label = scan_request.ports_label;
  scan.targets = std::move(targets);
  scan.seed = ++seed_counter_;
  scan.rate = scan_request.rate;
  scan.service_detection = scan_request.service_detection;
  scan.pairs_per_shard = config_.shard_pairs;
  const auto id = store->insertScan(scan);
  jobs_.wake();
  auto r = jsonResponse(
      202, {{"id", id}, {"status", "queued"}, {"url", "/api/v1/scans/" + std::to_string(id)}});
  r.headers.emplace_back("Location", "/api/v1/scans/" + std::to_string(id));
  return r;
}

HttpResponse ApiRoutes::listScans(const HttpRequest& request) {
  auto caller = authenticate(request);
  auto query = parseQuery(request.query);
  std::size_t limit = 50;
  std::int64_t before = 0;
  try {
    if (auto l = param(query, "limit")) limit = std::min<std::size_t>(kMaxPageSize, std::stoul(*l));
    if (auto b = param(query, "before")) before = std::stoll(*b);
  } catch (const std::exception&) {
    throw ApiError(400, "invalid_query", "limit and before must be numbers");
  }
  if (limit == 0) limit = 1;
  auto store = pool_.take();
  auto rows = store->listScans(caller.admin ? std::nullopt : std::optional(caller.owner), before,
                               limit + 1);
  Json body;
  body["scans"] = Json::array();
  for (std::size_t i = 0; i < rows.size() && i < limit; ++i) {
    body["scans"].push_back(scanJson(rows[i]));
  }
  body["next_before"] = rows.size() > limit ? Json(rows[limit - 1].id) : Json(nullptr);
  return jsonResponse(200, body);
}

HttpResponse ApiRoutes::getScan(const HttpRequest& request, std::int64_t id) {
  auto caller = authenticate(request);
  auto store = pool_.take();
  return jsonResponse(200, scanJson(visibleScan(*store, caller, id)));
}

HttpResponse ApiRoutes::getResults(const HttpRequest& request, std::int64_t id) {
  auto caller = authenticate(request);
  auto query = parseQuery(request.query);
  const auto format = parseResultFormat(param(query, "format"));
  const auto states = parseStates(param(query, "states"));
  auto store = pool_.take();
  auto row = visibleScan(*store, caller, id);
  HttpResponse r;
  r.content_type = contentTypeOf(format);
  static constexpr const char* kExt[] = {"txt", "json", "ndjson", "csv", "xml", "txt"};
  // fmt rather than `"..." + std::string`: g++ 12 reports a false -Wrestrict on the latter.
  r.headers.emplace_back("Content-Disposition",
                         fmt::format("attachment; filename=\"portlens-scan-{}.{}\"", id,
                                     kExt[static_cast<int>(format)]));
  std::string key = fmt::format("{}/{}", id, static_cast<int>(format));
  for (auto s : states) key += fmt::format("/{}", scan::toString(s));
  if (store::isFinal(row.status)) {
    if (auto cached = results_cache_.find(key)) {
      r.body = *cached;
      return r;
    }
  }
  std::vector<scan::PortRecord> records;
  for (auto& stored : store->results(id, states, 0, std::numeric_limits<std::int64_t>::max())) {
    records.push_back(std::move(stored.record));
  }
  HostCounts counts;
  if (row.host_count == 1) {
    // One host: its counts are the scan's, no pass over the rows needed.
    auto targets = store->scanTargets(id);
    counts[targets.at(0)] = row.counts;
  } else {
    for (auto& [ip, c] : store->hostCounts(id)) counts[ip] = c;
  }
  r.body = renderResults(row, std::move(records), counts, format, states, registry_);
  if (store::isFinal(row.status)) {
    results_cache_.put(key, std::make_shared<const std::string>(r.body));
  }
  return r;
}

HttpResponse ApiRoutes::cancelScan(const HttpRequest& request, std::int64_t id) {
  auto caller = authenticate(request);
  if (caller.anonymous && request.content_type.rfind("application/json", 0) != 0) {
    throw ApiError(415, "unsupported_media_type", "send Content-Type: application/json");
  }
  auto store = pool_.take();
  visibleScan(*store, caller, id);
  if (!store->requestCancel(id)) {
    throw ApiError(409, "already_finished", "the scan has already finished");
  }
  jobs_.cancel(id);
  return jsonResponse(202, scanJson(*store->scan(id)));
}

HttpResponse ApiRoutes::diff(const HttpRequest& request, std::int64_t a, std::int64_t b) {
  auto caller = authenticate(request);
  auto store = pool_.take();
  auto row_a = visibleScan(*store, caller, a);
  auto row_b = visibleScan(*store, caller, b);
  const std::set<scan::PortState> all(scan::kAllPortStates.begin(), scan::kAllPortStates.end());
  auto load = [&](std::int64_t id) {
    std::vector<scan::PortRecord> out;
    for (auto& r : store->results(id, all, 0, std::numeric_limits<std::int64_t>::max())) {
      out.push_back(std::move(r.record));
    }
    return out;
  };
  return jsonResponse(200, diffJson(row_a, row_b, diffScans(load(a), load(b)), registry_));
}

HttpResponse ApiRoutes::explainPort(const std::string& what) {
  registry::PortQuery query;
  try {
    query = registry::parsePortQuery(what);
  } catch (const std::exception& e) {
    throw ApiError(400, "invalid_port", e.what());
  }
  auto ports = registry::resolvePortQuery(registry_, query);
  if (ports.empty())
    throw ApiError(404, "not_found", "no TCP port is registered as '" + what + "'");
  Json list = Json::array();
  for (auto port : ports) {
    list.push_back(registry::toJson(registry::explainPort(registry_, port, std::nullopt)));
  }
  return jsonResponse(200, ports.size() == 1 ? list[0] : Json{{"ports", list}});
}

HttpResponse ApiRoutes::whoami(const HttpRequest& request) {
  auto caller = authenticate(request);
  return jsonResponse(200, {{"address", caller.address.toString()},
                            {"token", caller.anonymous ? Json(nullptr) : Json(caller.name)},
                            {"admin", caller.admin}});
}

HttpResponse ApiRoutes::listWorkers(const HttpRequest& request) {
  auto caller = authenticate(request);
  if (caller.anonymous) throw ApiError(401, "unauthorized", "listing workers needs an API token");
  if (!caller.admin) throw ApiError(403, "admin_only", "listing workers needs an admin token");
  auto store = pool_.take();
  return jsonResponse(200, workersJson(store::ShardStore(*store).workers()));
}

HttpResponse ApiRoutes::asset(const std::string& path) {
  // The page routes scans by URL fragment; /scans/... paths also get the page (shared links).
  const bool page = path == "/" || path.rfind("/scans/", 0) == 0;
  auto found = findWebAsset(page ? "/index.html" : path);
  if (!found) throw ApiError(404, "not_found", "no such page");
  HttpResponse r;
  r.content_type = std::string(found->content_type);
  r.body = std::string(found->body);
  return r;
}

}  // namespace portlens::server
