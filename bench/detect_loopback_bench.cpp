// A minimal poll() driver of detect::PortDetector, to measure the state machine with real
// sockets against loopback fakes (tests/integration/detect_probes_nmap.py runs it next to
// nmap -sV on the same fakes). Not the scanner's runner: no TLS (a TLS connect is reported as
// failed), IPv4 only, one thread. Run it only inside a private network namespace.
//   detect_loopback_bench PROBE_FILE 127.0.0.1 PORT...
// Prints "port<TAB>service<TAB>product<TAB>version<TAB>info<TAB>tunnel" per port and the wall
// time on stderr.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "detect/pattern_set.h"
#include "detect/port_detector.h"
#include "detect/probe_parser.h"

using namespace portlens::detect;
using Clock = std::chrono::steady_clock;

namespace {

struct Socket {
  int fd = -1;
  std::size_t port_index = 0;
  std::uint32_t connection = 0;
  bool connecting = true;
};

struct PortState {
  std::uint16_t port = 0;
  std::unique_ptr<PortDetector> detector;
  TimePoint wake = TimePoint::max();
};

class Runner {
 public:
  Runner(const ProbeDatabase& db, const PatternSet& patterns, in_addr host)
      : db_(db), patterns_(patterns), scratch_(patterns), host_(host) {}

  void add(std::uint16_t port) {
    PortState state;
    state.port = port;
    state.detector =
        std::make_unique<PortDetector>(db_, patterns_, scratch_, PlanQuery{.port = port});
    ports_.push_back(std::move(state));
  }

  void run() {
    for (std::size_t i = 0; i < ports_.size(); ++i) apply(i, ports_[i].detector->start(now()));
    while (!allDone()) turn();
  }

  const std::vector<PortState>& ports() const { return ports_; }

 private:
  static TimePoint now() { return Clock::now(); }

  bool allDone() const {
    for (const auto& p : ports_) {
      if (!p.detector->done()) return false;
    }
    return true;
  }

  void turn() {
    std::vector<pollfd> fds;
    std::vector<std::uint64_t> keys;
    for (const auto& [key, s] : sockets_) {
      fds.push_back({s.fd, static_cast<short>(s.connecting ? POLLOUT : POLLIN), 0});
      keys.push_back(key);
    }
    TimePoint wake = TimePoint::max();
    for (const auto& p : ports_) {
      if (!p.detector->done()) wake = std::min(wake, p.wake);
    }
    int timeout = 1000;
    if (wake != TimePoint::max()) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now()).count();
      timeout = static_cast<int>(std::clamp<long long>(ms + 1, 0, 1000));
    }
    poll(fds.data(), fds.size(), timeout);
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents != 0 && sockets_.count(keys[i])) ready(keys[i], fds[i].revents);
    }
    for (std::size_t i = 0; i < ports_.size(); ++i) {
      if (!ports_[i].detector->done() && ports_[i].wake <= now()) {
        ports_[i].wake = TimePoint::max();
        apply(i, ports_[i].detector->onTimeout(now()));
      }
    }
  }

  static std::uint64_t key(std::size_t port_index, std::uint32_t connection) {
    return (static_cast<std::uint64_t>(port_index) << 32) | connection;
  }

  void ready(std::uint64_t k, short revents) {
    Socket& s = sockets_[k];
    std::size_t index = s.port_index;
    std::uint32_t connection = s.connection;
    if (s.connecting) {
      int error = 0;
      socklen_t len = sizeof error;
      getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &error, &len);
      if (error != 0) {
        drop(k);
        apply(index, ports_[index].detector->onConnectFailed(connection, now()));
        return;
      }
      s.connecting = false;
      apply(index, ports_[index].detector->onConnected(connection, now()));
      return;
    }
    (void)revents;
    char buffer[16384];
    ssize_t n = recv(s.fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      apply(index, ports_[index].detector->onData(
                       connection, std::string_view(buffer, static_cast<std::size_t>(n)), now()));
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      drop(k);
      apply(index, ports_[index].detector->onPeerClosed(connection, now()));
    }
  }

  void drop(std::uint64_t k) {
    auto it = sockets_.find(k);
    if (it == sockets_.end()) return;
    close(it->second.fd);
    sockets_.erase(it);
  }

  void apply(std::size_t index, const DetectActions& actions) {
    for (const auto& action : actions) {
      std::uint64_t k = key(index, action.connection);
      switch (action.kind) {
        case DetectAction::Kind::kConnect:
          if (action.tunnel == Tunnel::kSsl || !connect(index, action.connection)) {
            apply(index, ports_[index].detector->onConnectFailed(action.connection, now()));
          }
          break;
        case DetectAction::Kind::kSend:
          if (sockets_.count(k)) {
            (void)send(sockets_[k].fd, action.bytes.data(), action.bytes.size(), MSG_NOSIGNAL);
          }
          break;
        case DetectAction::Kind::kClose:
          drop(k);
          break;
        case DetectAction::Kind::kWaitUntil:
          ports_[index].wake = action.until;
          break;
        case DetectAction::Kind::kDone:
          break;
      }
    }
  }

  bool connect(std::size_t index, std::uint32_t connection) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(ports_[index].port);
    addr.sin_addr = host_;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 &&
        errno != EINPROGRESS) {
      close(fd);
      return false;
    }
    sockets_[key(index, connection)] = {fd, index, connection, true};
    return true;
  }

  const ProbeDatabase& db_;
  const PatternSet& patterns_;
  MatchScratch scratch_;
  in_addr host_;
  std::vector<PortState> ports_;
  std::map<std::uint64_t, Socket> sockets_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s PROBE_FILE 127.0.0.1 PORT...\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  ProbeDatabase db = parseProbeDatabase(text.str(), argv[1]);
  PatternSet patterns(db);
  in_addr host{};
  if (inet_pton(AF_INET, argv[2], &host) != 1 || (ntohl(host.s_addr) >> 24) != 127) {
    std::fprintf(stderr, "only 127.0.0.0/8 targets\n");
    return 2;
  }
  Runner runner(db, patterns, host);
  for (int i = 3; i < argc; ++i) runner.add(static_cast<std::uint16_t>(std::stoi(argv[i])));
  auto start = Clock::now();
  runner.run();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (const auto& p : runner.ports()) {
    const ServiceResult& r = p.detector->result();
    std::printf("%u\t%s\t%s\t%s\t%s\t%s\n", p.port, r.service.c_str(), r.product.c_str(),
                r.version.c_str(), r.info.c_str(), r.tunnel == Tunnel::kSsl ? "ssl" : "");
  }
  std::fprintf(stderr, "detect_loopback_bench: %zu ports in %.2f s\n", runner.ports().size(),
               seconds);
  return 0;
}
