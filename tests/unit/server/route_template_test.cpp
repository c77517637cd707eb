#include "server/route_template.h"

#include <gtest/gtest.h>

namespace portlens::server {
namespace {

TEST(RouteTemplate, IdsAndNamesBecomePlaceholders) {
  EXPECT_EQ(httpRouteTemplate("/api/v1/scans"), "/api/v1/scans");
  EXPECT_EQ(httpRouteTemplate("/api/v1/scans/12"), "/api/v1/scans/{id}");
  EXPECT_EQ(httpRouteTemplate("/api/v1/scans/12/results"), "/api/v1/scans/{id}/results");
  EXPECT_EQ(httpRouteTemplate("/api/v1/scans/12/events"), "/api/v1/scans/{id}/events");
  EXPECT_EQ(httpRouteTemplate("/api/v1/scans/12/cancel"), "/api/v1/scans/{id}/cancel");
  EXPECT_EQ(httpRouteTemplate("/api/v1/scans/12/diff/9"), "/api/v1/scans/{id}/diff/{other}");
  EXPECT_EQ(httpRouteTemplate("/api/v1/ports/https"), "/api/v1/ports/{port}");
  EXPECT_EQ(httpRouteTemplate("/api/v1/whoami"), "/api/v1/whoami");
  EXPECT_EQ(httpRouteTemplate("/api/v1/monitors/3/runs"), "/api/v1/monitors/{id}/runs");
  EXPECT_EQ(httpRouteTemplate("/api/v1/findings"), "/api/v1/findings");
}

TEST(RouteTemplate, WhateverAClientTypesStaysInABoundedSet) {
  EXPECT_EQ(httpRouteTemplate("/api/v1/scans/12/../../etc/passwd"), "/api/other");
  EXPECT_EQ(httpRouteTemplate("/api/v2/scans"), "/api/other");
  EXPECT_EQ(httpRouteTemplate("/api/"), "/api/other");
  EXPECT_EQ(httpRouteTemplate("/api/v1/scans/1/results/x"), "/api/other");
  EXPECT_EQ(httpRouteTemplate("/wp-admin/198.51.100.7"), "/static");
  EXPECT_EQ(httpRouteTemplate("/js/app.js"), "/static");
  EXPECT_EQ(httpRouteTemplate("/"), "/");
  EXPECT_EQ(httpRouteTemplate("/scans/7"), "/");  // the page, for shared links
  EXPECT_EQ(httpRouteTemplate("/metrics"), "/metrics");
  EXPECT_EQ(httpRouteTemplate("/healthz"), "/healthz");
  EXPECT_EQ(httpRouteTemplate(""), "/static");
}

TEST(RouteTemplate, MethodsAndStatusClasses) {
  EXPECT_EQ(httpMethodLabel("GET"), "GET");
  EXPECT_EQ(httpMethodLabel("PATCH"), "PATCH");
  EXPECT_EQ(httpMethodLabel("BREW"), "other");
  EXPECT_EQ(httpMethodLabel("get"), "other");
  EXPECT_EQ(httpStatusClass(200), "2xx");
  EXPECT_EQ(httpStatusClass(202), "2xx");
  EXPECT_EQ(httpStatusClass(404), "4xx");
  EXPECT_EQ(httpStatusClass(599), "5xx");
  EXPECT_EQ(httpStatusClass(101), "1xx");
  EXPECT_EQ(httpStatusClass(0), "5xx");
  EXPECT_EQ(httpStatusClass(700), "5xx");
}

}  // namespace
}  // namespace portlens::server
