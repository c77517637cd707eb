#include "server/metrics_endpoint.h"

#include <gtest/gtest.h>

#include "metrics/portlens_metrics.h"

namespace portlens::server {
namespace {

HttpRequest get(std::string authorization = "") {
  HttpRequest r;
  r.method = "GET";
  r.path = "/metrics";
  r.authorization = std::move(authorization);
  return r;
}

std::string header(const HttpResponse& r, const std::string& name) {
  for (const auto& [key, value] : r.headers) {
    if (key == name) return value;
  }
  return "";
}

class MetricsEndpoint : public ::testing::Test {
 protected:
  metrics::Registry registry_;
  metrics::PortlensMetrics metrics_{registry_, "9.9.9"};
};

TEST_F(MetricsEndpoint, ServesTheTextFormat) {
  metrics_.scans_started.with({"connect"}).inc();
  const auto r = serveMetrics({}, registry_, get());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("portlens_scans_started_total{mode=\"connect\"} 1\n"), std::string::npos);
  EXPECT_NE(r.body.find("portlens_build_info{version=\"9.9.9\"} 1\n"), std::string::npos);
}

TEST_F(MetricsEndpoint, DisabledIsNotFound) {
  MetricsSettings off;
  off.enabled = false;
  EXPECT_EQ(serveMetrics(off, registry_, get()).status, 404);
}

TEST_F(MetricsEndpoint, OnlyGetAndHead) {
  auto post = get();
  post.method = "POST";
  EXPECT_EQ(serveMetrics({}, registry_, post).status, 405);
  auto head = get();
  head.method = "HEAD";
  EXPECT_EQ(serveMetrics({}, registry_, head).status, 200);
}

TEST_F(MetricsEndpoint, AConfiguredTokenIsRequired) {
  MetricsSettings settings;
  settings.bearer_token = "scrape-me";
  const auto none = serveMetrics(settings, registry_, get());
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(header(none, "WWW-Authenticate"), "Bearer realm=\"portlens metrics\"");
  EXPECT_EQ(none.body.find("portlens_"), std::string::npos);
  EXPECT_EQ(serveMetrics(settings, registry_, get("Bearer scrape-mf")).status, 401);
  EXPECT_EQ(serveMetrics(settings, registry_, get("Bearer scrape-me-too")).status, 401);
  EXPECT_EQ(serveMetrics(settings, registry_, get("Basic c2NyYXBlLW1l")).status, 401);
  EXPECT_EQ(serveMetrics(settings, registry_, get("Bearer scrape-me")).status, 200);
}

}  // namespace
}  // namespace portlens::server
