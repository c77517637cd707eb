#include "server/worker_views.h"

#include <sstream>
#include <string>

namespace portlens::server {

nlohmann::json workersJson(const std::vector<store::WorkerRow>& rows) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::json capabilities = nlohmann::json::array();
    std::stringstream names(row.capabilities);
    for (std::string name; std::getline(names, name, ',');) {
      if (!name.empty()) capabilities.push_back(name);
    }
    list.push_back({{"name", row.name},
                    {"address", row.address},
                    {"capabilities", capabilities},
                    {"leases", row.leases_held},
                    {"probes_per_second", row.probes_per_second},
                    {"started", static_cast<double>(row.started_ms) / 1000.0},
                    {"last_heartbeat", static_cast<double>(row.heartbeat_ms) / 1000.0},
                    {"alive", row.alive}});
  }
  return {{"workers", list}};
}

}  // namespace portlens::server
