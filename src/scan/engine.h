// The scan engine: walks the (host x port) space in its seeded order, keeps up to
// max_parallel probes in flight through a Transport, times each probe out after its host's
// adaptive RTO, retries silent ports, and emits one record per port and per host. Runs on the
// calling thread; `stop` (set from a signal-handling thread) ends it early and cleanly. Every
// time it reads (deadlines, rate, progress, host timestamps) comes from `clock`, which must be
// the clock the transport stamps its answers with.
#pragma once

#include <atomic>

#include "core/clock.h"
#include "core/port_set.h"
#include "core/target_set.h"
#include "scan/records.h"
#include "scan/scan_config.h"
#include "scan/transport.h"

namespace portlens::scan {

// Runs one scan to completion (or until `stop` becomes true) and returns its summary. Throws
// std::system_error when the system refuses something the scan cannot work around.
ScanSummary runScan(const ScanConfig& config, const core::TargetSet& targets,
                    const core::PortSet& ports, Transport& transport, core::Clock& clock,
                    ScanObserver& observer, const std::atomic<bool>& stop);

}  // namespace portlens::scan
