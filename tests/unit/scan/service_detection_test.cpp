// -sV through the launcher: a connect scan of 127.0.0.1 (loopback only) with an SSH-like
// listener in this process and a closed port. The observer must see every call on the
// scanning thread, the open port named, and the host record after its ports.
#include "scan/service_detection.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/unique_fd.h"
#include "scan/launcher.h"
#include "support/loopback_listener.h"

namespace portlens::scan {
namespace {

using core::UniqueFd;
using portlens::testing::listenOnLoopback;

// Greets every connection with an SSH banner until the listener is shut down.
void serveBanners(int listener) {
  while (true) {
    UniqueFd connection(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
    if (!connection.valid()) return;
    constexpr std::string_view kBanner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
    ::send(connection.get(), kBanner.data(), kBanner.size(), MSG_NOSIGNAL);
  }
}

struct Event {
  std::string kind;  // "port" or "host"
  std::uint16_t port = 0;
  std::shared_ptr<const ServiceInfo> service;
  std::thread::id thread;
};

class RecordingObserver : public ScanObserver {
 public:
  void onPort(const PortRecord& record) override {
    events.push_back({"port", record.port, record.service, std::this_thread::get_id()});
  }
  void onHost(const HostRecord&) override {
    events.push_back({"host", 0, nullptr, std::this_thread::get_id()});
  }
  std::vector<Event> events;
};

TEST(ServiceDetection, OpenPortsReachTheObserverNamedOnTheScanningThread) {
  std::uint16_t open_port = 0;
  std::uint16_t closed_port = 0;
  UniqueFd listener = listenOnLoopback(open_port);
  ASSERT_TRUE(listener.valid());
  { UniqueFd gone = listenOnLoopback(closed_port); }  // bound, then closed: a reset answers
  std::thread server(serveBanners, listener.get());

  core::TargetSet targets;
  targets.add(*core::IpAddress::parse("127.0.0.1"));
  core::PortSet ports;
  ports.add(open_port);
  ports.add(closed_port);
  ScanRequest request;
  request.io = ConnectIo::kEpoll;
  request.service_detection = ServiceDetectionRequest{};
  core::SystemClock clock;
  PreparedScan prepared = prepareScan(request, targets, ports, clock);
  RecordingObserver observer;
  std::atomic<bool> stop{false};
  const auto outcome = prepared.run(observer, stop);
  ::shutdown(listener.get(), SHUT_RDWR);
  server.join();

  EXPECT_FALSE(outcome.summary.interrupted);
  ASSERT_EQ(observer.events.size(), 3u);
  for (const Event& event : observer.events) EXPECT_EQ(event.thread, std::this_thread::get_id());
  EXPECT_EQ(observer.events.back().kind, "host");
  for (const Event& event : observer.events) {
    if (event.port == closed_port) {
      EXPECT_EQ(event.service, nullptr);
    }
    if (event.port != open_port) continue;
    ASSERT_NE(event.service, nullptr);
    EXPECT_EQ(event.service->name, "ssh");
    EXPECT_EQ(event.service->product, "OpenSSH");
    EXPECT_EQ(event.service->method, ServiceMethod::kProbed);
  }
}

// Ctrl-C before the engine's last records: open ports found after it go out as found (no
// service), nothing waits for a prober that has stopped, the host still comes last.
TEST(ServiceDetection, PortsFoundAfterTheStopPassThrough) {
  const auto setup = loadDetection(ServiceDetectionRequest{});
  RecordingObserver downstream;
  core::SystemClock clock;
  std::atomic<bool> stop{true};
  DetectingObserver observer(*setup, downstream, clock, stop);
  PortRecord record;
  record.ip = *core::IpAddress::parse("127.0.0.1");
  record.port = 9;  // never contacted: the stop came first
  record.state = PortState::kOpen;
  observer.onPort(record);
  HostRecord host;
  host.ip = record.ip;
  observer.onHost(host);
  observer.finish();
  ASSERT_EQ(downstream.events.size(), 2u);
  EXPECT_EQ(downstream.events[0].port, 9);
  EXPECT_EQ(downstream.events[0].service, nullptr);
  EXPECT_EQ(downstream.events[1].kind, "host");
}

TEST(ServiceDetection, BadProbeFileIsAUsageErrorWithItsPosition) {
  const std::string path = ::testing::TempDir() + "portlens-bad-probes";
  std::ofstream(path) << "Probe TCP NULL q||\nmatch ssh m|^SSH| p/x/ junk\n";
  ServiceDetectionRequest request;
  request.probe_file = path;
  try {
    loadDetection(request);
    FAIL() << "a bad file was accepted";
  } catch (const core::UsageError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ":2:", 0), 0u) << e.what();
  }
  request.probe_file.clear();
  request.intensity = 10;
  EXPECT_THROW(loadDetection(request), core::UsageError);
}

TEST(ServiceDetection, BuiltInProbesCompileWithoutWarnings) {
  const auto setup = loadDetection(ServiceDetectionRequest{});
  EXPECT_GT(setup->db.probes.size(), 10u);
  EXPECT_TRUE(setup->warnings.empty());
}

}  // namespace
}  // namespace portlens::scan
