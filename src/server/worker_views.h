// GET /api/v1/workers (admin tokens only): the registered scan workers as JSON. Pure.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "store/shard_store.h"

namespace portlens::server {

// {"workers":[{"name","address","capabilities":["connect","syn"],"leases","probes_per_second",
// "started","last_heartbeat" (seconds since the epoch),"alive"}]}
nlohmann::json workersJson(const std::vector<store::WorkerRow>& rows);

}  // namespace portlens::server
