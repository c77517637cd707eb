// Storage and CPU of a monitor's runs through the store's own write path (issue 11): each run
// is queued as the scheduler queues it, claimed as a job worker claims it, its records are
// appended in the job's batches (4,096) and it is finished by finishJob (findings, events,
// pruning, all in one transaction). No network: the records are made up, a port changes now
// and then. Prints one markdown table. "events committed" is when a second connection (the
// alert dispatcher's view) sees the run's completion: its alerts can leave from then on.
//   monitor_store_bench DB_PATH [RUNS=500] [HOSTS=256] [PORTS=1000]
#include <fmt/core.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/port_set.h"
#include "registry/port_registry.h"
#include "server/monitor_completion.h"
#include "store/database.h"
#include "store/monitor_store.h"
#include "support/manual_clock.h"

namespace {

using namespace portlens;

double cpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// The file's size once the WAL is folded in (what stays on disk).
std::uint64_t databaseBytes(store::ScanStore& store, const std::string& path) {
  store.database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  std::uint64_t bytes = std::filesystem::file_size(path);
  if (std::filesystem::exists(path + "-wal")) bytes += std::filesystem::file_size(path + "-wal");
  return bytes;
}

std::int64_t queueRun(store::ScanStore& store, std::int64_t monitor_id, const store::NewScan& s) {
  store::Transaction tx(store.database());
  const auto id = store.insertScan(s);
  store::MonitorStore(store).addRun(monitor_id, id, 0);
  tx.commit();
  return id;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: monitor_store_bench DB_PATH [RUNS] [HOSTS] [PORTS]\n");
    return 2;
  }
  const std::string path = argv[1];
  const int runs = argc > 2 ? std::stoi(argv[2]) : 500;
  const std::uint32_t hosts = argc > 3 ? static_cast<std::uint32_t>(std::stoul(argv[3])) : 256;
  const std::size_t port_count = argc > 4 ? std::stoul(argv[4]) : 1000;
  std::filesystem::remove(path);
  testing::ManualClock clock;
  const auto& registry = registry::PortRegistry::builtin();
  store::ScanStore store(path, clock);
  const auto ports = registry.topPorts(port_count);
  store::NewScan scan;
  scan.owner = "bench";
  scan.targets_text = "198.19.0.0/24";
  const auto first = core::IpAddress::parse("198.19.0.0").value();
  for (std::uint32_t h = 0; h < hosts; ++h) {
    scan.targets.add(core::IpAddress::fromV4(first.v4() + h));
  }
  core::PortSet port_set;
  for (auto p : ports) port_set.add(p);
  scan.ports_spec = port_set.toString();
  store::MonitorRow monitor;
  monitor.name = "bench";
  monitor.owner = "bench";
  monitor.targets_text = scan.targets_text;
  monitor.ports_spec = scan.ports_spec;
  monitor.every_seconds = 60;
  const auto monitor_id = store::MonitorStore(store).insertMonitor(monitor);

  std::uint64_t size_after_one = 0;
  double cpu_total = 0;
  double cpu_max = 0;
  // Wall time of the run's completion (diff, audit, findings and events committed): the part
  // of "scan end -> webhook" before the alert dispatcher (bench/alerts.sh) takes over.
  double completion_total = 0;
  double completion_max = 0;
  double committed_total = 0;
  double committed_max = 0;
  store::Database reader(path);  // the dispatcher's connection
  std::uint64_t flips = 0;
  std::uint32_t flipped_host = 0;
  bool flipped = false;
  for (int run = 1; run <= runs; ++run) {
    // Every 25th run one host's port 8080-ish (the 50th of the list) opens or closes again.
    if (run % 25 == 0) {
      flipped = !flipped;
      flipped_host = static_cast<std::uint32_t>(run * 7) % hosts;
      ++flips;
    }
    const double cpu_before = cpuSeconds();
    queueRun(store, monitor_id, scan);
    auto row = store.claimNextQueued().value();
    std::vector<scan::PortRecord> batch;
    for (std::uint32_t h = 0; h < hosts; ++h) {
      for (std::size_t i = 0; i < ports.size(); ++i) {
        scan::PortRecord r;
        r.ip = core::IpAddress::fromV4(first.v4() + h);
        r.port = ports[i];
        // Three open ports per host; the rest answer with RST.
        const bool open = i < 3 || (flipped && h == flipped_host && i == 50);
        r.state = open ? scan::PortState::kOpen : scan::PortState::kClosed;
        r.reason = open ? scan::Reason::kSynAck : scan::Reason::kConnRefused;
        r.rtt = std::chrono::microseconds(80 + (i % 40));
        batch.push_back(r);
        if (batch.size() == 4096) {
          store.appendResults(row.id, batch, 0, 0, -1);
          batch.clear();
        }
      }
    }
    store.appendResults(row.id, batch, 0, 0, -1);
    const auto completion_start = std::chrono::steady_clock::now();
    auto since_start = [&] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - completion_start)
          .count();
    };
    std::atomic<bool> finished{false};
    double committed = 0;
    std::thread watcher([&] {
      auto seen = reader.prepare("SELECT last_full_scan_id FROM monitors WHERE id = ?1");
      while (true) {
        seen.reset();
        seen.bind(1, monitor_id);
        const bool done = seen.step() && seen.integer(0) == row.id;
        while (seen.step()) {
        }
        if (done || finished.load()) {
          committed = since_start();
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
    server::finishJob(store, row, store::ScanStatus::kDone, "", hosts * ports.size(), registry);
    const double completion = since_start();
    finished = true;
    watcher.join();
    committed_total += committed;
    committed_max = std::max(committed_max, committed);
    completion_total += completion;
    completion_max = std::max(completion_max, completion);
    const double cpu = cpuSeconds() - cpu_before;
    cpu_total += cpu;
    cpu_max = std::max(cpu_max, cpu);
    if (run == 1) size_after_one = databaseBytes(store, path);
    // The size along the way (stderr): a one-time step after the second run (its rows were
    // written next to the first's) is not growth per run.
    if (run == 2 || run == 10 || run % 50 == 0) {
      fmt::print(stderr, "monitor_store_bench: after {} runs: {:.2f} MiB\n", run,
                 databaseBytes(store, path) / 1048576.0);
    }
    clock.advance(std::chrono::minutes(1));
  }
  const auto size_after_all = databaseBytes(store, path);
  auto count = [&](const char* sql) {
    auto st = store.database().prepare(sql);
    st.step();
    return st.integer(0);
  };
  fmt::print(
      "| runs | hosts x ports | port changes | DB after 1 run | DB after {} runs | ratio | "
      "CPU per run (mean / max) | completion wall (mean / max) | events committed (mean / max) | "
      "events | result rows kept |\n",
      runs);
  fmt::print("|---|---|---|---|---|---|---|---|---|---|---|\n");
  fmt::print(
      "| {} | {} x {} | {} | {:.1f} MiB | {:.1f} MiB | {:.2f}x | {:.2f} s / {:.2f} s | "
      "{:.2f} s / {:.2f} s | {:.2f} s / {:.2f} s | {} | {} |\n",
      runs, hosts, ports.size(), flips, size_after_one / 1048576.0, size_after_all / 1048576.0,
      static_cast<double>(size_after_all) / size_after_one, cpu_total / runs, cpu_max,
      completion_total / runs, completion_max, committed_total / runs, committed_max,
      count("SELECT COUNT(*) FROM finding_events"), count("SELECT COUNT(*) FROM results"));
  return 0;
}
