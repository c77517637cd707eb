// The routes without sockets: a real store in a temporary directory, a job runner that is
// never started (scans stay queued), requests as plain structs.
#include "server/api_routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/web_assets.h"
#include "store/monitor_store.h"
#include "store/sha256.h"
#include "store/shard_store.h"
#include "temp_store.h"

namespace portlens::server {
namespace {

class ApiRoutesTest : public ::testing::Test {
 protected:
  // The routes read the config when they are built, so it is complete before that.
  static ServerConfig makeConfig() {
    ServerConfig config;
    config.token_allow["lab"] = target_policy::parseCidrList("198.19.0.0/16");
    config.anonymous.scans_per_minute = 1;
    config.anonymous.max_active_scans = 5;
    config.anonymous.allow = target_policy::parseCidrList("127.0.0.1/32");
    config.alert_destinations = {"http://127.0.0.1:9/"};
    return config;
  }

  ApiRoutesTest() {
    store_->insertToken({"lab", store::sha256Hex("secret-lab"), "", false});
    store_->insertToken({"boss", store::sha256Hex("secret-boss"), "", true});
  }

  HttpResponse call(const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& token = "",
                    const std::string& type = "application/json") {
    HttpRequest r;
    r.method = method;
    auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    if (!token.empty()) r.authorization = "Bearer " + token;
    r.content_type = body.empty() ? "" : type;
    r.body = body;
    r.client = core::IpAddress::parse("127.0.0.1").value();
    return routes_.handle(r);
  }
  static nlohmann::json json(const HttpResponse& r) { return nlohmann::json::parse(r.body); }

  TempStore store_;
  ServerConfig config_ = makeConfig();
  registry::PortRegistry registry_ = registry::PortRegistry::builtin();
  StorePool pool_{store_.path(), store_.clock()};
  // Never started: scans are only queued here. This test runs in the machine's own network
  // namespace, where a lab address would route to the real network; scans run only in the
  // lab (tests/integration/web_api.sh).
  JobRunner jobs_{store_.path(), 1, {64, false, {}}, store_.clock()};
  ApiRoutes routes_{config_, pool_, jobs_, registry_, store_.clock()};
};

TEST_F(ApiRoutesTest, CreateGetListCancel) {
  auto created =
      call("POST", "/api/v1/scans", R"({"targets":"198.19.0.7","ports":"22,80"})", "secret-lab");
  ASSERT_EQ(created.status, 202) << created.body;
  const auto id = json(created)["id"].get<std::int64_t>();
  auto got = call("GET", "/api/v1/scans/" + std::to_string(id), "", "secret-lab");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(json(got)["status"], "queued");
  EXPECT_EQ(json(got)["ports"], "22,80");
  auto list = call("GET", "/api/v1/scans?limit=1", "", "secret-lab");
  EXPECT_EQ(json(list)["scans"].size(), 1u);
  auto cancelled =
      call("POST", "/api/v1/scans/" + std::to_string(id) + "/cancel", "", "secret-lab");
  EXPECT_EQ(cancelled.status, 202);
  EXPECT_EQ(json(cancelled)["status"], "cancelled");
  EXPECT_EQ(
      call("POST", "/api/v1/scans/" + std::to_string(id) + "/cancel", "", "secret-lab").status,
      409);
}

TEST_F(ApiRoutesTest, ScansAreVisibleToTheirOwnerAndAdmins) {
  auto id = json(call("POST", "/api/v1/scans", R"({"targets":"198.19.0.7","ports":"22"})",
                      "secret-lab"))["id"]
                .get<std::int64_t>();
  const auto path = "/api/v1/scans/" + std::to_string(id);
  EXPECT_EQ(call("GET", path).status, 404);  // anonymous
  EXPECT_EQ(call("GET", path, "", "secret-boss").status, 200);
  EXPECT_EQ(call("GET", path, "", "wrong").status, 401);
  EXPECT_TRUE(json(call("GET", "/api/v1/scans"))["scans"].empty());
}

TEST_F(ApiRoutesTest, ErrorsAreJsonWithStatus) {
  auto refused = call("POST", "/api/v1/scans", R"({"targets":"10.0.0.1"})", "secret-lab");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(json(refused)["error"]["code"], "target_forbidden");
  // Each refusal of the target policy has its own status and code.
  auto invalid = call("POST", "/api/v1/scans", R"({"targets":"256.1.1.1"})", "secret-lab");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(json(invalid)["error"]["code"], "invalid_target");
  auto large =
      call("POST", "/api/v1/scans", R"({"targets":"8.0.0.0/8","ports":"1-65535"})", "secret-lab");
  EXPECT_EQ(large.status, 413);
  EXPECT_EQ(json(large)["error"]["code"], "scan_too_large");
  EXPECT_EQ(
      call("POST", "/api/v1/scans", R"({"targets":"127.0.0.1","ports":"22"})", "", "text/plain")
          .status,
      415);
  EXPECT_EQ(call("DELETE", "/api/v1/scans").status, 405);
  EXPECT_EQ(call("GET", "/api/v1/nothing").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/scans/abc").status, 404);
  EXPECT_EQ(call("GET", "/api/v2/scans").status, 404);
  EXPECT_EQ(call("GET", "/nothing.js").status, 404);
}

TEST_F(ApiRoutesTest, AnonymousRateLimitAnswers429WithRetryAfter) {
  const std::string body = R"({"targets":"127.0.0.1","ports":"22"})";
  EXPECT_EQ(call("POST", "/api/v1/scans", body).status, 202);
  auto limited = call("POST", "/api/v1/scans", body);
  EXPECT_EQ(limited.status, 429);
  ASSERT_EQ(limited.headers.size(), 1u);
  EXPECT_EQ(limited.headers[0].first, "Retry-After");
  EXPECT_EQ(limited.headers[0].second, "60");  // one scan a minute, the minute just began
  // The bucket refills on the routes' clock: one second short of a minute is still refused
  // (and says so); past the minute the next scan is taken.
  store_.clock().advance(std::chrono::seconds(59));
  limited = call("POST", "/api/v1/scans", body);
  EXPECT_EQ(limited.status, 429);
  ASSERT_EQ(limited.headers.size(), 1u);
  EXPECT_EQ(limited.headers[0].second, "1");
  store_.clock().advance(std::chrono::seconds(2));
  EXPECT_EQ(call("POST", "/api/v1/scans", body).status, 202);
}

TEST_F(ApiRoutesTest, PagePortsWhoamiHealth) {
  auto page = call("GET", "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("/js/main.js"), std::string::npos);
  EXPECT_EQ(call("GET", "/scans/7").body, page.body);
  EXPECT_EQ(call("GET", "/js/main.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(call("GET", "/js/event_stream.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(call("GET", "/app.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(call("GET", "/favicon.svg").content_type, "image/svg+xml");
  EXPECT_EQ(call("GET", "/favicon.ico").status, 404);
  EXPECT_EQ(call("GET", "/js/").status, 404);
  EXPECT_EQ(json(call("GET", "/api/v1/ports/ssh"))["port"], 22);
  EXPECT_EQ(call("GET", "/api/v1/ports/no-such-service-name").status, 404);
  EXPECT_EQ(json(call("GET", "/api/v1/whoami", "", "secret-lab"))["token"], "lab");
  EXPECT_EQ(json(call("GET", "/healthz"))["status"], "ok");
}

TEST_F(ApiRoutesTest, WorkersListIsForAdmins) {
  store::ShardStore shards(*store_);
  store::WorkerInfo worker;
  worker.name = "scanner-1";
  worker.address = "host-a";
  worker.capabilities.syn = true;
  shards.registerWorker(worker);
  EXPECT_EQ(call("GET", "/api/v1/workers").status, 401);
  EXPECT_EQ(call("GET", "/api/v1/workers", "", "secret-lab").status, 403);
  EXPECT_EQ(call("POST", "/api/v1/workers", "", "secret-boss").status, 405);
  auto listed = call("GET", "/api/v1/workers", "", "secret-boss");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto workers = json(listed)["workers"];
  ASSERT_EQ(workers.size(), 1u);
  EXPECT_EQ(workers[0]["name"], "scanner-1");
  EXPECT_EQ(workers[0]["address"], "host-a");
  EXPECT_EQ(workers[0]["capabilities"], nlohmann::json::parse(R"(["connect","syn"])"));
  EXPECT_EQ(workers[0]["leases"], 0);
  EXPECT_EQ(workers[0]["alive"], true);
  EXPECT_GT(workers[0]["last_heartbeat"].get<double>(), 1.7e9);
}

// A SYN scan is accepted when the workers table has a live SYN-capable worker (whatever this
// process may open): none, then one, then its heartbeat too old.
TEST_F(ApiRoutesTest, SynScansNeedALiveSynCapableWorker) {
  const std::string syn = R"({"targets":"198.19.0.7","ports":"22","mode":"syn"})";
  auto refused = call("POST", "/api/v1/scans", syn, "secret-lab");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(json(refused)["error"]["code"], "mode_unavailable");
  store::ShardStore shards(*store_);
  store::WorkerInfo connect_only;
  connect_only.name = "serve@test";
  shards.registerWorker(connect_only);
  EXPECT_EQ(call("POST", "/api/v1/scans", syn, "secret-lab").status, 422) << "connect only";
  store::WorkerInfo runner;
  runner.name = "serve@test/syn";
  runner.capabilities = {false, true};
  runner.lease_ms = 15000;
  shards.registerWorker(runner);  // a refusal is not kept: seen at once
  auto accepted = call("POST", "/api/v1/scans", syn, "secret-lab");
  EXPECT_EQ(accepted.status, 202) << accepted.body;
  store_.clock().advance(std::chrono::milliseconds(15001));  // the runner died
  // The yes is kept for SynRunners::kKeepYes (2 s), which has passed too.
  EXPECT_EQ(call("POST", "/api/v1/scans", syn, "secret-lab").status, 422);
  shards.heartbeat(runner, 0, {});
  EXPECT_EQ(call("POST", "/api/v1/scans", syn, "secret-lab").status, 202);
  // Within kKeepYes the answer comes from the cache: the store is not asked again.
  store_.clock().advance(std::chrono::milliseconds(1000));
  store_->database().exec("DELETE FROM workers");
  EXPECT_EQ(call("POST", "/api/v1/scans", syn, "secret-lab").status, 202);
  store_.clock().advance(std::chrono::milliseconds(1000));
  EXPECT_EQ(call("POST", "/api/v1/scans", syn, "secret-lab").status, 422);
}

// Every file embedded from web/ is served with a type the browser accepts (a module script
// with another type is refused under nosniff), and the page links only embedded files.
TEST(WebAssets, EveryEmbeddedFileHasAContentType) {
  ASSERT_GT(webFiles().size(), 3u);
  for (const auto& file : webFiles()) {
    EXPECT_TRUE(webContentType(file.path)) << file.path;
    EXPECT_TRUE(findWebAsset(file.path)) << file.path;
  }
  EXPECT_FALSE(webContentType("/notes.txt"));
  EXPECT_FALSE(findWebAsset("/../CMakeLists.txt"));
}

TEST_F(ApiRoutesTest, ResultsAndDiffOfStoredRecords) {
  auto a = json(call("POST", "/api/v1/scans", R"({"targets":"198.19.0.7","ports":"22,80"})",
                     "secret-lab"))["id"]
               .get<std::int64_t>();
  auto b = json(call("POST", "/api/v1/scans", R"({"targets":"198.19.0.7","ports":"22,80"})",
                     "secret-lab"))["id"]
               .get<std::int64_t>();
  using S = scan::PortState;
  store_->appendResults(
      a, {portRecord("198.19.0.7", 22, S::kOpen), portRecord("198.19.0.7", 80, S::kOpen)}, 2, 0, 0);
  store_->appendResults(
      b, {portRecord("198.19.0.7", 22, S::kOpen), portRecord("198.19.0.7", 80, S::kClosed)}, 2, 0,
      0);
  auto csv = call("GET", "/api/v1/scans/" + std::to_string(b) + "/results?format=csv&states=all",
                  "", "secret-lab");
  EXPECT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("198.19.0.7,,80,tcp,closed,conn-refused"), std::string::npos);
  auto diff = json(call("GET", "/api/v1/scans/" + std::to_string(a) + "/diff/" + std::to_string(b),
                        "", "secret-lab"));
  ASSERT_EQ(diff["closed"].size(), 1u);
  EXPECT_EQ(diff["closed"][0]["port"], 80);
  EXPECT_EQ(
      call("GET", "/api/v1/scans/" + std::to_string(a) + "/results?format=text", "", "secret-lab")
          .status,
      400);
}

// Service detection from the request to the answers: the flag is stored and shown, detected
// records come back out of the store into the results and the diff, and a product that is
// not UTF-8 (bytes a peer chose) still gives a JSON answer.
TEST_F(ApiRoutesTest, ServiceDetectionFromRequestToDiff) {
  auto post = [&](const char* body) {
    auto r = call("POST", "/api/v1/scans", body, "secret-lab");
    EXPECT_EQ(r.status, 202) << r.body;
    return json(r)["id"].get<std::int64_t>();
  };
  const auto a = post(R"({"targets":"198.19.0.7","ports":"22,80","service_detection":true})");
  const auto b = post(R"({"targets":"198.19.0.7","ports":"22,80","service_detection":true})");
  const auto plain = post(R"({"targets":"198.19.0.7","ports":"22"})");
  auto scanOf = [&](std::int64_t id) {
    return json(call("GET", "/api/v1/scans/" + std::to_string(id), "", "secret-lab"));
  };
  EXPECT_EQ(scanOf(a)["service_detection"], true);
  EXPECT_EQ(scanOf(plain)["service_detection"], false);
  EXPECT_EQ(call("POST", "/api/v1/scans", R"({"targets":"198.19.0.7","service_detection":"yes"})",
                 "secret-lab")
                .status,
            400);

  store_->appendResults(a,
                        {detectedRecord("198.19.0.7", 22, "ssh", "OpenSSH", "9.2p1"),
                         detectedRecord("198.19.0.7", 80, "http", "nginx", "1.22.1")},
                        2, 0, 0);
  store_->appendResults(b,
                        {detectedRecord("198.19.0.7", 22, "ssh", "OpenSSH", "9.2p1"),
                         detectedRecord("198.19.0.7", 80, "http", "nginx\xff", "1.24.0")},
                        2, 0, 0);
  auto results = call("GET", "/api/v1/scans/" + std::to_string(a) + "/results", "", "secret-lab");
  EXPECT_NE(results.body.find(R"("service":"http","product":"nginx","version":"1.22.1")"),
            std::string::npos)
      << results.body;
  auto csv =
      call("GET", "/api/v1/scans/" + std::to_string(a) + "/results?format=csv", "", "secret-lab");
  EXPECT_NE(csv.body.find("nginx,1.22.1"), std::string::npos) << csv.body;
  auto answer = call("GET", "/api/v1/scans/" + std::to_string(a) + "/diff/" + std::to_string(b), "",
                     "secret-lab");
  ASSERT_EQ(answer.status, 200) << answer.body;
  auto diff = json(answer);
  ASSERT_EQ(diff["changed"].size(), 1u);
  EXPECT_EQ(diff["changed"][0]["port"], 80);
  EXPECT_EQ(diff["changed"][0]["before"]["version"], "1.22.1");
  EXPECT_EQ(diff["changed"][0]["after"]["version"], "1.24.0");
  EXPECT_EQ(diff["changed"][0]["after"]["product"], "nginx\uFFFD");
}

// A webhook's secret is its HMAC key: no view shows it (whoever reads the monitor could forge its
// alerts otherwise), and an edit of "alerts" that leaves it out keeps the stored one.
TEST_F(ApiRoutesTest, MonitorViewsHideWebhookSecretsAndEditsKeepThem) {
  const std::string hook = R"({"type":"webhook","url":"http://127.0.0.1:9/hook","secret":"k3y"})";
  auto created = call(
      "POST", "/api/v1/monitors",
      R"({"name":"m","targets":"198.19.0.7","ports":"22","every":"1h","alerts":[)" + hook + "]}",
      "secret-lab");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = json(created)["id"].get<std::int64_t>();
  const std::string path = "/api/v1/monitors/" + std::to_string(id);
  auto stored = [&] { return store::MonitorStore(*store_).monitor(id)->alerts_json; };
  for (const auto& view : {created, call("GET", path, "", "secret-lab"),
                           call("GET", "/api/v1/monitors", "", "secret-lab")}) {
    EXPECT_EQ(view.body.find("k3y"), std::string::npos) << view.body;
  }
  EXPECT_EQ(json(call("GET", path, "", "secret-lab"))["alerts"][0]["url"],
            "http://127.0.0.1:9/hook");

  // A PATCH of other fields, and one sending the alerts back as the view shows them.
  EXPECT_EQ(call("PATCH", path, R"({"name":"renamed"})", "secret-lab").status, 200);
  EXPECT_NE(stored().find("k3y"), std::string::npos);
  auto resent =
      call("PATCH", path, R"({"alerts":[{"type":"webhook","url":"http://127.0.0.1:9/hook"}]})",
           "secret-lab");
  EXPECT_EQ(resent.status, 200) << resent.body;
  EXPECT_EQ(resent.body.find("k3y"), std::string::npos);
  EXPECT_NE(stored().find("k3y"), std::string::npos);
  // A new URL has no stored secret to keep; a new secret replaces the old one.
  EXPECT_EQ(
      call("PATCH", path, R"({"alerts":[{"type":"webhook","url":"http://127.0.0.1:9/other"}]})",
           "secret-lab")
          .status,
      400);
  EXPECT_EQ(
      call("PATCH", path,
           R"({"alerts":[{"type":"webhook","url":"http://127.0.0.1:9/hook","secret":"n3w"}]})",
           "secret-lab")
          .status,
      200);
  EXPECT_NE(stored().find("n3w"), std::string::npos);
  EXPECT_EQ(stored().find("k3y"), std::string::npos);
}

// Pausing or renaming a SYN monitor works while no SYN runner is live (a runner restarting);
// only an edit that sets the mode asks for one.
TEST_F(ApiRoutesTest, ASynMonitorIsEditedWithoutALiveRunnerUnlessTheModeIsSet) {
  store::ShardStore shards(*store_);
  store::WorkerInfo runner;
  runner.name = "serve@test/syn";
  runner.capabilities = {false, true};
  runner.lease_ms = 15000;
  shards.registerWorker(runner);
  auto created =
      call("POST", "/api/v1/monitors",
           R"({"name":"m","targets":"198.19.0.7","ports":"22","every":"1h","mode":"syn"})",
           "secret-lab");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path =
      "/api/v1/monitors/" + std::to_string(json(created)["id"].get<std::int64_t>());
  store_.clock().advance(std::chrono::milliseconds(15001 + 2001));  // the runner died
  EXPECT_EQ(call("PATCH", path, R"({"paused":true})", "secret-lab").status, 200);
  EXPECT_EQ(call("PATCH", path, R"({"name":"renamed"})", "secret-lab").status, 200);
  auto moded = call("PATCH", path, R"({"mode":"syn"})", "secret-lab");
  EXPECT_EQ(moded.status, 422) << moded.body;
  EXPECT_EQ(call("PATCH", path, R"({"mode":"connect"})", "secret-lab").status, 200);
}

}  // namespace
}  // namespace portlens::server
