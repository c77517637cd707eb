// The versioned schemas (migrations.h) of the store's components: "scans" (scans = the job
// queue, results, tokens) and "monitors" (monitors, monitor_runs, findings, finding_events) and
// "verifications" (proofs and pending challenges of verified targets).
// The alerts outbox keeps its own ("alerts", alerts/outbox.cpp).
#pragma once

#include <span>

#include "store/migrations.h"

namespace portlens::store {

std::span<const Migration> scanMigrations();
std::span<const Migration> monitorMigrations();
std::span<const Migration> verificationMigrations();

}  // namespace portlens::store
