// A ScanStore in a fresh temporary directory, removed after the test.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include "store/scan_store.h"
#include "support/manual_clock.h"

namespace portlens::server {

class TempStore {
 public:
  TempStore() {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("portlens-server-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
    store_ = std::make_unique<store::ScanStore>(path_, clock_);
  }
  ~TempStore() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  store::ScanStore& operator*() { return *store_; }
  store::ScanStore* operator->() { return store_.get(); }
  const std::string& path() const { return path_; }
  // The store's clock (its timestamps); tests move it.
  testing::ManualClock& clock() { return clock_; }

 private:
  std::filesystem::path dir_;
  std::string path_;
  testing::ManualClock clock_;
  std::unique_ptr<store::ScanStore> store_;
};

inline scan::PortRecord portRecord(const char* ip, std::uint16_t port, scan::PortState state) {
  scan::PortRecord r;
  r.ip = core::IpAddress::parse(ip).value();
  r.port = port;
  r.state = state;
  r.reason = state == scan::PortState::kOpen     ? scan::Reason::kSynAck
             : state == scan::PortState::kClosed ? scan::Reason::kConnRefused
                                                 : scan::Reason::kNoResponse;
  return r;
}

// An open port that service detection named, as the prober's records arrive.
inline scan::PortRecord detectedRecord(const char* ip, std::uint16_t port, const char* name,
                                       const char* product, const char* version) {
  auto r = portRecord(ip, port, scan::PortState::kOpen);
  auto info = std::make_shared<scan::ServiceInfo>();
  info->name = name;
  info->product = product;
  info->version = version;
  r.service = std::move(info);
  return r;
}

inline std::int64_t insertLabScan(store::ScanStore& store, const char* ip, const char* ports) {
  store::NewScan scan;
  scan.owner = "lab";
  scan.client = "127.0.0.1";
  scan.targets_text = ip;
  scan.ports_spec = ports;
  scan.targets.add(core::IpAddress::parse(ip).value());
  return store.insertScan(scan);
}

}  // namespace portlens::server
