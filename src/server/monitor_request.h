// Parsing of what clients send to /api/v1/monitors (POST, and PATCH merged over the stored
// monitor by the routes). Pure; errors throw ApiError 400/413/422 naming the field, like the
// scan API (api_request.h), whose parser checks the scan fields.
//   {"name":"dmz", "targets":"...", "ports":"top1000", "mode":"connect"|"syn",
//    "service_detection":false, "every":"30s" | "cron":"*/15 * * * *",
//    "policy":"<YAML text>" (optional), "alerts":[{"type":"webhook",...}] (optional),
//    "paused":false (optional)}
// Unknown keys are refused (a typo must not silently drop a schedule or a policy).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "registry/port_registry.h"
#include "server/api_request.h"

namespace portlens::server {

constexpr std::size_t kMaxMonitorName = 100;
constexpr std::size_t kMaxAlerts = 20;

struct MonitorRequest {
  std::string name;
  ScanRequest scan;
  std::int64_t every_seconds = 0;  // > 0, or 0 with `cron` set
  std::string cron;
  std::string policy_yaml;  // "" = none
  std::string alerts_json = "[]";
  bool paused = false;
};

MonitorRequest parseMonitorRequest(const nlohmann::json& doc,
                                   const registry::PortRegistry& registry,
                                   const SynCheck& syn_available);

}  // namespace portlens::server
