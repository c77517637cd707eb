// What the metrics cost per HTTP request and per scrape, in process (google benchmark):
//   build/release/bench/metrics_bench
// http_observe is exactly the work http_server.cpp adds to a request: two clock reads, the
// route template, method and status labels, the child lookup and the histogram observation.
#include <benchmark/benchmark.h>

#include "core/clock.h"
#include "metrics/portlens_metrics.h"
#include "metrics/text_format.h"
#include "server/route_template.h"

namespace {

using portlens::metrics::PortlensMetrics;
using portlens::metrics::Registry;

struct Fixture {
  Registry registry;
  PortlensMetrics metrics{registry, "bench"};
  portlens::core::SystemClock clock;
};

Fixture& fixture() {
  static Fixture f;  // shared by the threads of a threaded run
  return f;
}

void observeRequest(Fixture& f, std::string_view path) {
  const auto started = f.clock.now();
  const std::chrono::duration<double> elapsed = f.clock.now() - started;
  f.metrics.http_duration
      .with({portlens::server::httpMethodLabel("GET"), portlens::server::httpRouteTemplate(path),
             portlens::server::httpStatusClass(200)})
      .observe(elapsed.count());
}

void httpObserve(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) observeRequest(f, "/api/v1/scans/12/results");
}
BENCHMARK(httpObserve)->Threads(1)->Threads(2);

void clockOnly(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) benchmark::DoNotOptimize(f.clock.now());
}
BENCHMARK(clockOnly);

void counterInc(benchmark::State& state) {
  auto& counter = fixture().metrics.alert_deliveries.with({"webhook"});
  for (auto _ : state) counter.inc();
}
BENCHMARK(counterInc)->Threads(1)->Threads(2);

// A scrape with 40 HTTP series (14 buckets each) and the scan families filled.
void scrape(benchmark::State& state) {
  Fixture f;
  const char* paths[] = {"/",
                         "/healthz",
                         "/api/v1/scans",
                         "/api/v1/scans/1",
                         "/api/v1/scans/1/results",
                         "/api/v1/scans/1/events",
                         "/api/v1/ports/22",
                         "/api/v1/whoami",
                         "/static",
                         "/metrics"};
  for (const char* method : {"GET", "POST"}) {
    for (const char* path : paths) {
      for (int status : {200, 404}) {
        f.metrics.http_duration
            .with({method, portlens::server::httpRouteTemplate(path),
                   portlens::server::httpStatusClass(status)})
            .observe(0.001);
      }
    }
  }
  f.metrics.scans_finished.with({"connect", "done"}).inc();
  f.metrics.scan_duration.with({"connect"}).observe(3);
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto text = portlens::metrics::formatText(f.registry.collect());
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(scrape);

}  // namespace

BENCHMARK_MAIN();
