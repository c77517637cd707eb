// The I/O runner of service detection: one thread, epoll, non-blocking sockets. It drives one
// PortDetector per submitted open port (connect, send, close, wait; TLS through a TlsSession
// over the socket when the detector asks for Tunnel::kSsl), records the TLS layer of the first
// handshake (tls_inspect), and after a plain smtp/imap/pop3/ftp answer runs the STARTTLS
// dialogue on a new connection to read the certificate.
//
// Threads: submit() and close() from any thread (the scan engine's); run() on the prober's own
// thread, which calls `on_report` exactly once per submitted port. Time comes from the caller's
// core::Clock (now() for waits, wallNow() for certificate validity), so tests can run time
// faster; the clock must be thread-safe (core/clock.h) and outlive the prober.
//
// Bounds: at most `max_ports` ports in detection at once and `max_ports_per_host` per host
// (the rest wait in submission order); after refused or timed-out connects fewer, down to
// `min_ports` (port_budget.h: daemons past their limits drop more the more they get); each port has
// at most the detector's connections (4); reads go in 16 KiB pieces and the detector keeps at most
// 32 KiB per answer, TLS sessions their own 64 KiB, so a flooding peer costs CPU, not memory.
//
// Errors: a socket the kernel refuses is a failed connection for the detector; run() throws
// std::system_error only when epoll itself cannot be set up.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/ip_address.h"
#include "detect/pattern_set.h"
#include "detect/port_detector.h"
#include "detect/probe_database.h"
#include "detect/service_result.h"
#include "detect/tls/tls_certificate.h"
#include "detect/tls/tls_record.h"

namespace portlens::detect {

struct ProbeTarget {
  core::IpAddress ip;
  std::uint16_t port = 0;
  std::string server_name;  // SNI for TLS: the hostname the user typed, "" for numeric targets
};

struct ProbeReport {
  std::uint64_t id = 0;  // as given to submit()
  ServiceResult result;
  std::optional<TlsRecord> tls;  // the first TLS handshake's record (direct or STARTTLS)
  bool completed = true;         // false: stopped before detection ended
};

struct ProberOptions {
  int intensity = kDefaultIntensity;
  DetectTiming timing;
  std::size_t max_ports = 256;
  std::size_t min_ports = 16;    // the floor of the window after connect failures
  Millis budget_cooldown{1000};  // connect failures closer together halve the window once
  std::size_t max_ports_per_host = 8;
  Millis connect_timeout{3000};  // TCP connect plus, for TLS, the handshake
  Millis starttls_timeout{5000};
  bool starttls = true;
};

class ServiceProber {
 public:
  ServiceProber(const ProbeDatabase& db, const PatternSet& patterns, core::Clock& clock,
                ProberOptions options = {});
  ~ServiceProber();
  ServiceProber(const ServiceProber&) = delete;
  ServiceProber& operator=(const ServiceProber&) = delete;

  // Queues one open port. Any thread.
  void submit(std::uint64_t id, ProbeTarget target);
  // No more submissions: run() returns once every queued port is reported. Any thread.
  void close();

  // The event loop, on the calling thread, until close() and every port is reported, or
  // `stop` (then the unfinished ports are reported with completed = false). Call once.
  void run(const std::function<void(ProbeReport)>& on_report, const std::atomic<bool>& stop);

  struct Loop;

 private:
  std::unique_ptr<Loop> loop_;
};

}  // namespace portlens::detect
