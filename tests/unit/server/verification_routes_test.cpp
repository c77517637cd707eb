// The verification endpoints through ApiRoutes, with the network replaced by fakes: the
// challenge's life cycle on the manual clock, both proofs, what a proof opens to the scan
// policy, and the refusals (anonymous callers, special ranges, names pointing inside).
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "server/api_routes.h"
#include "store/sha256.h"
#include "temp_store.h"

namespace portlens::server {
namespace {

using namespace std::chrono_literals;
using target_policy::DnsType;

// DNS and HTTP as the test sets them up; every HTTP fetch is recorded.
struct FakeNetwork {
  std::map<std::string, std::vector<std::string>> txt;
  std::map<std::string, std::vector<std::string>> a;
  std::map<std::string, std::string> files;  // "address path" -> body
  std::vector<std::string> fetched;

  VerificationProbes probes() {
    VerificationProbes p;
    p.dns = [this](const std::string& name, DnsType type) {
      target_policy::DnsAnswer answer;
      if (type == DnsType::kTxt && txt.count(name)) answer.texts = txt[name];
      if (type == DnsType::kA && a.count(name)) {
        for (const auto& text : a[name]) answer.addresses.push_back(*core::IpAddress::parse(text));
      }
      return answer;
    };
    p.http = [this](const core::IpAddress& address, const std::string&, const std::string& path,
                    const std::string& token, std::string& why) {
      const auto key = address.toString() + " " + path;
      fetched.push_back(key);
      auto it = files.find(key);
      if (it != files.end() && it->second.find(token) != std::string::npos) return true;
      why = "no file";
      return false;
    };
    return p;
  }
};

class VerificationRoutesTest : public ::testing::Test {
 protected:
  static ServerConfig makeConfig() {
    ServerConfig config;
    config.verification_ttl = 3600s;
    // Set so that scans resolve names through the probes too (the fakes: nothing is sent).
    config.resolver = "127.0.0.1:1";
    return config;
  }
  VerificationRoutesTest() {
    store_->insertToken({"alice", store::sha256Hex("secret-alice"), "", false});
    store_->insertToken({"bob", store::sha256Hex("secret-bob"), "", false});
  }
  HttpResponse call(const std::string& method, const std::string& path,
                    const std::string& body = "", const std::string& token = "secret-alice") {
    HttpRequest r;
    r.method = method;
    r.path = path;
    if (!token.empty()) r.authorization = "Bearer " + token;
    r.content_type = "application/json";
    r.body = body;
    r.client = core::IpAddress::parse("127.0.0.1").value();
    return routes_.handle(r);
  }
  static nlohmann::json json(const HttpResponse& r) { return nlohmann::json::parse(r.body); }
  nlohmann::json create(const std::string& target) {
    auto r = call("POST", "/api/v1/verifications", R"({"target":")" + target + R"("})");
    EXPECT_EQ(r.status, 201) << r.body;
    return json(r);
  }
  int scan(const std::string& targets, const std::string& token = "secret-alice") {
    return call("POST", "/api/v1/scans", R"({"targets":")" + targets + R"(","ports":"80"})", token)
        .status;
  }

  TempStore store_;
  FakeNetwork net_;
  ServerConfig config_ = makeConfig();
  registry::PortRegistry registry_ = registry::PortRegistry::builtin();
  StorePool pool_{store_.path(), store_.clock()};
  JobRunner jobs_{store_.path(), 1, {64, false, {}}, store_.clock()};  // never started
  ApiRoutes routes_{config_, pool_, jobs_, registry_, store_.clock(), net_.probes()};
};

TEST_F(VerificationRoutesTest, DnsProofOpensTheNamesAddressesForTheTtl) {
  net_.a["scanme.example"] = {"192.0.2.1"};  // TEST-NET-1 is special: refused below
  net_.a["www.example"] = {"1.2.3.4"};
  EXPECT_EQ(scan("1.2.3.4"), 403) << "public, but not proved yet";
  auto c = create("WWW.example");
  EXPECT_EQ(c["status"], "pending");
  EXPECT_EQ(c["target"], "www.example");
  const std::string token = c["token"];
  EXPECT_EQ(token.size(), 9u + 32u);
  EXPECT_EQ(c["methods"]["dns"]["name"], "_portlens-challenge.www.example");
  EXPECT_EQ(c["methods"]["http"]["url"],
            "http://www.example/.well-known/portlens-challenge/" + token);
  const std::string check = c["check_url"];

  auto failed = call("POST", check);
  EXPECT_EQ(failed.status, 422);
  EXPECT_EQ(json(call("GET", c["url"]))["last_error"].get<std::string>().empty(), false);

  net_.txt["_portlens-challenge.www.example"] = {"v=spf1 -all", "token=" + token};
  auto paced = call("POST", check);
  EXPECT_EQ(paced.status, 429) << "a check sends packets: one per challenge every 5 s";
  store_.clock().advance(5s);
  auto ok = call("POST", check);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json(ok)["method"], "dns");
  EXPECT_EQ(json(ok)["proved"], nlohmann::json::array({"1.2.3.4/32"}));
  EXPECT_EQ(scan("1.2.3.4"), 202);
  EXPECT_EQ(scan("www.example"), 202);
  net_.a["www.example"] = {"1.2.3.4", "5.5.5.5"};
  EXPECT_EQ(scan("www.example"), 403) << "rebound to an address that was never proved";
  EXPECT_EQ(scan("1.2.3.5"), 403);
  EXPECT_EQ(scan("1.2.3.4", "secret-bob"), 403) << "a proof is the token's own";

  store_.clock().advance(3600s);
  EXPECT_EQ(scan("1.2.3.4"), 403) << "verification_ttl passed";
  EXPECT_EQ(json(call("GET", c["url"]))["status"], "expired");
}

TEST_F(VerificationRoutesTest, HttpProofOfAnAddressBlock) {
  auto c = create("5.6.7.0/30");
  const std::string path = "/.well-known/portlens-challenge/" + c["token"].get<std::string>();
  EXPECT_FALSE(c["methods"].contains("dns")) << "addresses are proved over HTTP only";
  EXPECT_EQ(c["methods"]["http"]["url"], "http://5.6.7.1" + path);
  net_.files["5.6.7.1 " + path] = "hello " + c["token"].get<std::string>() + "\n";
  auto ok = call("POST", c["check_url"]);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json(ok)["method"], "http");
  EXPECT_EQ(scan("5.6.7.0/30"), 202);
  EXPECT_EQ(scan("5.6.7.0/29"), 403);
}

TEST_F(VerificationRoutesTest, NamesPointingInsideAreNeverFetched) {
  net_.a["evil.example"] = {"1.2.3.4", "127.0.0.1"};
  auto c = create("evil.example");
  auto r = call("POST", c["check_url"]);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(json(r)["error"]["code"], "target_forbidden");
  EXPECT_TRUE(net_.fetched.empty()) << "no request to any address of a name that points inside";
}

TEST_F(VerificationRoutesTest, RefusalsAndOwnership) {
  for (auto target : {"10.0.0.1", "192.168.0.0/24", "169.254.169.254", "::1", "0x7f000001"}) {
    auto r = call("POST", "/api/v1/verifications", R"({"target":")" + std::string(target) + "\"}");
    EXPECT_EQ(r.status, 403) << target;
  }
  EXPECT_EQ(call("POST", "/api/v1/verifications", R"({"target":"1.0.0.0/16"})").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/verifications", R"({"nothing":1})").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/verifications", R"({"target":"a.example"})", "").status, 401);
  auto c = create("a.example");
  EXPECT_EQ(call("GET", c["url"], "", "secret-bob").status, 404);
  EXPECT_EQ(call("POST", c["check_url"], "", "secret-bob").status, 404);
  EXPECT_EQ(json(call("GET", "/api/v1/verifications"))["verifications"].size(), 1u);
  EXPECT_TRUE(
      json(call("GET", "/api/v1/verifications", "", "secret-bob"))["verifications"].empty());
  EXPECT_EQ(call("DELETE", "/api/v1/verifications").status, 405);
  EXPECT_EQ(call("GET", c["check_url"]).status, 405);
}

TEST_F(VerificationRoutesTest, ChallengeExpiresUnproved) {
  net_.a["late.example"] = {"1.2.3.4"};
  auto c = create("late.example");
  store_.clock().advance(24h);
  net_.txt["_portlens-challenge.late.example"] = {c["token"].get<std::string>()};
  EXPECT_EQ(call("POST", c["check_url"]).status, 200);
  EXPECT_EQ(json(call("GET", c["url"]))["status"], "expired");
  EXPECT_EQ(scan("1.2.3.4"), 403);
}

// A restart is a new ApiRoutes on the same database: proofs and pending challenges come back
// from the store, and a proof still stops counting when verification_ttl runs out.
TEST_F(VerificationRoutesTest, ProofsAndChallengesSurviveARestart) {
  auto proved = create("1.2.3.4");
  net_.files["1.2.3.4 /.well-known/portlens-challenge/" + proved["token"].get<std::string>()] =
      proved["token"].get<std::string>();
  ASSERT_EQ(call("POST", proved["check_url"]).status, 200);
  store_.clock().advance(1s);  // "newest first" needs distinct creation times
  net_.a["pending.example"] = {"5.5.5.5"};
  auto waiting = create("pending.example");
  EXPECT_EQ(call("POST", waiting["check_url"]).status, 422);
  store_.clock().advance(10min);

  StorePool pool{store_.path(), store_.clock()};
  ApiRoutes restarted{config_, pool, jobs_, registry_, store_.clock(), net_.probes()};
  const auto call2 = [&](const std::string& method, const std::string& path,
                         const std::string& body = "", const std::string& token = "secret-alice") {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.authorization = "Bearer " + token;
    r.content_type = "application/json";
    r.body = body;
    r.client = core::IpAddress::parse("127.0.0.1").value();
    return restarted.handle(r);
  };
  const auto scan2 = [&](const std::string& targets, const std::string& token) {
    return call2("POST", "/api/v1/scans", R"({"targets":")" + targets + R"(","ports":"80"})", token)
        .status;
  };
  auto listed = json(call2("GET", "/api/v1/verifications"))["verifications"];
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["id"], waiting["id"]) << "newest first";
  EXPECT_EQ(listed[0]["status"], "pending");
  EXPECT_EQ(listed[0]["token"], waiting["token"]) << "the holder keeps publishing the same token";
  EXPECT_FALSE(listed[0]["last_error"].get<std::string>().empty());
  EXPECT_EQ(listed[1]["status"], "verified");
  EXPECT_EQ(listed[1]["proved"], nlohmann::json::array({"1.2.3.4/32"}));
  EXPECT_EQ(listed[1]["expires_at"], json(call("GET", proved["url"]))["expires_at"]);
  EXPECT_EQ(scan2("1.2.3.4", "secret-alice"), 202) << "still proved after the restart";
  EXPECT_EQ(scan2("1.2.3.4", "secret-bob"), 403);
  EXPECT_TRUE(
      json(call2("GET", "/api/v1/verifications", "", "secret-bob"))["verifications"].empty());

  net_.txt["_portlens-challenge.pending.example"] = {waiting["token"].get<std::string>()};
  ASSERT_EQ(call2("POST", waiting["check_url"]).status, 200) << "the old challenge proves";
  EXPECT_EQ(scan2("5.5.5.5", "secret-alice"), 202);

  // Just past verification_ttl (1 h) after the first proof, 50 min after the second.
  store_.clock().advance(50min);
  EXPECT_EQ(scan2("1.2.3.4", "secret-alice"), 403) << "expired: opens nothing";
  EXPECT_EQ(scan2("5.5.5.5", "secret-alice"), 202) << "proved 10 min later: still valid";
  StorePool pool3{store_.path(), store_.clock()};
  ApiRoutes again{config_, pool3, jobs_, registry_, store_.clock(), net_.probes()};
  target_policy::TargetPolicy policy;
  again.restrictToVerified(policy, "alice");
  ASSERT_EQ(policy.verified.size(), 1u) << "an expired proof read back opens nothing either";
  EXPECT_EQ(policy.verified[0].toString(), "5.5.5.5/32");
}

// Monitors scan on their owner's behalf at every run: they must not open what a scan may not.
TEST_F(VerificationRoutesTest, MonitorsNeedTheSameProofAsScans) {
  const auto monitor = [this](const std::string& targets, const std::string& token) {
    return call("POST", "/api/v1/monitors",
                R"({"name":"m","targets":")" + targets + R"(","ports":"80","every":"1h"})", token)
        .status;
  };
  EXPECT_EQ(monitor("1.2.3.4", "secret-alice"), 403) << "public, not proved";
  auto c = create("1.2.3.4");
  net_.files["1.2.3.4 /.well-known/portlens-challenge/" + c["token"].get<std::string>()] =
      c["token"].get<std::string>();
  ASSERT_EQ(call("POST", c["check_url"]).status, 200);
  EXPECT_EQ(monitor("1.2.3.4", "secret-alice"), 201);
  EXPECT_EQ(monitor("1.2.3.4", "secret-bob"), 403) << "a proof is the token's own";
}

}  // namespace
}  // namespace portlens::server
