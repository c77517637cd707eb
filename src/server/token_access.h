// The special ranges a token may scan: its own record's allow list plus the server config's
// [tokens.NAME] allow. Used by the API (a caller's rights) and the monitor scheduler (a
// monitor's runs scan with its owner token's current rights). Throws ApiError 500 when the
// stored list does not parse.
#pragma once

#include <vector>

#include "server/api_error.h"
#include "server/server_config.h"
#include "store/scan_store.h"
#include "target_policy/cidr.h"

namespace portlens::server {

inline std::vector<target_policy::Cidr> tokenAllow(const ServerConfig& config,
                                                   const store::TokenRow& token) {
  std::vector<target_policy::Cidr> allow;
  try {
    allow = target_policy::parseCidrList(token.allow);
  } catch (const std::invalid_argument& e) {
    throw ApiError(500, "internal", std::string("token record: ") + e.what());
  }
  if (auto it = config.token_allow.find(token.name); it != config.token_allow.end()) {
    allow.insert(allow.end(), it->second.begin(), it->second.end());
  }
  return allow;
}

}  // namespace portlens::server
