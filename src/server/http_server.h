// The HTTP listener: Boost.Beast over Asio with C++20 coroutines, one coroutine per
// connection (keep-alive), `http_threads` threads running the io_context. Plain requests go
// to ApiRoutes; GET /api/v1/scans/{id}/events becomes a Server-Sent Events stream driven by
// an EventCursor that reads the store every 200 ms, or on PostgreSQL when its scan is notified
// (LISTEN portlens_results on one thread of the server, scan_signals.h; no thread per stream).
// Every response carries a strict Content-Security-Policy and related headers.
// With `metrics`, every request's duration is observed (portlens_http_request_duration_seconds,
// by method, route template and status class) and GET /metrics serves the registry
// (server/metrics_endpoint.h, as config.metrics says); without, /metrics is an unknown page.
//
// With tls_cert / tls_key the listener speaks only HTTPS (tls_context.h): a plain HTTP request
// gets a 400 that says so, and SIGHUP re-reads the certificate without a restart. Behind
// trusted_proxies, the client address of every request is the one their headers name
// (target_policy/forwarded.h). Every request is logged (server_log.h).
//
// Threads: construct and bind() on the serve thread (neither starts a thread, so serve can
// drop its privileges between bind() and run()); run() blocks it, runs the io threads (and,
// on PostgreSQL, the thread that listens for new results) and returns once `stop` is set
// (checked every 100 ms): the listener closes, event streams end, and requests in flight get
// half a second to finish.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "core/clock.h"
#include "metrics/portlens_metrics.h"
#include "registry/port_registry.h"
#include "server/api_routes.h"
#include "server/server_config.h"
#include "server/server_log.h"
#include "server/store_pool.h"

namespace portlens::server {

class HttpServer {
 public:
  // `clock` drives the event hub's refreshes, the streams' heartbeats and request timing.
  // `metrics`, when given, must outlive the server.
  HttpServer(const ServerConfig& config, ApiRoutes& routes, StorePool& pool,
             const registry::PortRegistry& registry, core::Clock& clock, ServerLog& log,
             metrics::PortlensMetrics* metrics = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the TLS pair when configured, binds the listen address; returns the URL it serves
  // ("http://127.0.0.1:8080/", "https://..."), with the real port when the config asked for
  // port 0. Throws std::system_error, std::invalid_argument, or std::runtime_error (TLS files).
  std::string bind();
  void run(const std::atomic<bool>& stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace portlens::server
