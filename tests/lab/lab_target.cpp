// lab_target: the services of the Portlens lab. tests/lab/lab.sh runs it in the lab's target
// namespace, in the background, and kills it (pidfile) on `lab.sh down`.
//
//   lab_target [--truth FILE] [--listen ADDR,PORT,HOW]... [--pidfile FILE]
//
// --truth reads the lab's ground truth (tests/lab/truth.tsv: ip, port, state, how) and listens
// on every row whose state is "open"; --listen adds one listener by hand. HOW is
//   plain  accept and close at once (what a port scanner needs: a completed handshake)
//   ssh    send "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", then close
//   ftp    send "220 (vsFTPd 3.0.3)\r\n", then close
//   http   read one request, answer a minimal "HTTP/1.1 200 OK", then close
// Addresses need not be assigned to an interface: the lab serves whole blocks by AnyIP
// routes, so sockets bind with IP_FREEBIND.
//
// One thread and one epoll set: a connect scan of every port of a host opens only a few
// connections per open port, but a scan of a whole block at tens of thousands of
// connections per second must not fill the accept queues, so listeners are drained in a
// loop and connections never wait on each other. The pidfile is written once every
// listener is up, so its appearance means "ready". SIGTERM or SIGINT end the program.
// Exit status: 0 after a signal, 1 on a setup error (message on stderr), 2 on bad usage.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

enum class How { kPlain, kSsh, kFtp, kHttp };

struct ListenSpec {
  std::string address;
  int port = 0;
  How how = How::kPlain;
};

struct Listener {
  int fd = -1;
  How how = How::kPlain;
};

// A connection that outlives accept(): a banner sent and waiting for the peer's close, or an
// HTTP request being read.
struct Conn {
  How how = How::kPlain;
  bool answered = false;  // banner or response sent; only draining until EOF remains
  std::string request;
  std::time_t deadline = 0;
};

constexpr std::string_view kSshBanner = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
constexpr std::string_view kFtpBanner = "220 (vsFTPd 3.0.3)\r\n";
constexpr std::string_view kHttpResponse =
    "HTTP/1.1 200 OK\r\nServer: portlens-lab\r\nContent-Type: text/plain\r\n"
    "Content-Length: 3\r\nConnection: close\r\n\r\nok\n";
constexpr std::size_t kMaxRequest = 8192;
constexpr int kConnTimeoutSeconds = 5;
constexpr std::uint64_t kListenerTag = 1ULL << 62;
constexpr std::uint64_t kSignalTag = 1ULL << 61;
constexpr std::uint64_t kTimerTag = 1ULL << 60;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "lab_target: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "lab_target: %s\nusage: lab_target [--truth FILE] [--listen ADDR,PORT,HOW]... "
               "[--pidfile FILE]\n  HOW: plain | ssh | ftp | http\n",
               why.c_str());
  std::exit(2);
}

bool parseHow(const std::string& text, How* how) {
  if (text == "plain")
    *how = How::kPlain;
  else if (text == "ssh")
    *how = How::kSsh;
  else if (text == "ftp")
    *how = How::kFtp;
  else if (text == "http")
    *how = How::kHttp;
  else
    return false;
  return true;
}

ListenSpec makeSpec(const std::string& address, const std::string& port, const std::string& how,
                    const std::string& where) {
  ListenSpec spec;
  spec.address = address;
  char* end = nullptr;
  long value = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || value < 1 || value > 65535) usage(where + ": bad port");
  spec.port = static_cast<int>(value);
  if (!parseHow(how, &spec.how)) usage(where + ": bad kind '" + how + "'");
  return spec;
}

void readTruth(const std::string& path, std::vector<ListenSpec>* specs) {
  std::ifstream in(path);
  if (!in) usage("cannot read " + path);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string address, port, state, how;
    if (!std::getline(fields, address, '\t') || !std::getline(fields, port, '\t') ||
        !std::getline(fields, state, '\t') || !std::getline(fields, how, '\t')) {
      usage(path + ":" + std::to_string(number) + ": expected ip, port, state, how");
    }
    if (state == "open") {
      specs->push_back(makeSpec(address, port, how, path + ":" + std::to_string(number)));
    }
  }
}

int openListener(const ListenSpec& spec) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_INET;
  if (spec.address.find(':') != std::string::npos) {
    family = AF_INET6;
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(static_cast<std::uint16_t>(spec.port));
    if (inet_pton(AF_INET6, spec.address.c_str(), &sin6->sin6_addr) != 1) {
      usage("bad address " + spec.address);
    }
    length = sizeof(sockaddr_in6);
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(static_cast<std::uint16_t>(spec.port));
    if (inet_pton(AF_INET, spec.address.c_str(), &sin->sin_addr) != 1) {
      usage("bad address " + spec.address);
    }
    length = sizeof(sockaddr_in);
  }
  const std::string name = spec.address + " port " + std::to_string(spec.port);
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket for " + name);
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) die("SO_REUSEADDR");
  // AnyIP addresses are routed locally but not assigned; IPv6 bind() wants FREEBIND for them.
  if (setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof one) != 0) die("IP_FREEBIND");
  if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) {
    die("IPV6_V6ONLY");
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) die("bind " + name);
  if (listen(fd, 65535) != 0) die("listen " + name);
  return fd;
}

void raiseFdLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void writePidfile(const std::string& path) {
  const std::string temporary = path + ".tmp";
  FILE* file = std::fopen(temporary.c_str(), "w");
  if (file == nullptr) die("write " + temporary);
  std::fprintf(file, "%d\n", static_cast<int>(getpid()));
  if (std::fclose(file) != 0) die("write " + temporary);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) die("rename " + path);
}

class Server {
 public:
  explicit Server(const std::vector<ListenSpec>& specs) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) die("epoll_create1");
    for (const ListenSpec& spec : specs) {
      listeners_.push_back({openListener(spec), spec.how});
      add(listeners_.back().fd, EPOLLIN, kListenerTag | (listeners_.size() - 1));
    }
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    signal_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (signal_ < 0) die("signalfd");
    add(signal_, EPOLLIN, kSignalTag);
    timer_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (timer_ < 0) die("timerfd_create");
    itimerspec every_second{};
    every_second.it_interval.tv_sec = 1;
    every_second.it_value.tv_sec = 1;
    timerfd_settime(timer_, 0, &every_second, nullptr);
    add(timer_, EPOLLIN, kTimerTag);
  }

  void run() {
    std::vector<epoll_event> events(512);
    while (!stop_) {
      int count = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), -1);
      if (count < 0) {
        if (errno == EINTR) continue;
        die("epoll_wait");
      }
      for (int i = 0; i < count; ++i) dispatch(events[static_cast<std::size_t>(i)]);
    }
    std::fprintf(stderr, "lab_target: stopping after %llu connections\n", accepted_);
  }

 private:
  void add(int fd, std::uint32_t events, std::uint64_t tag) {
    epoll_event event{};
    event.events = events;
    event.data.u64 = tag;
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) die("epoll_ctl");
  }

  void dispatch(const epoll_event& event) {
    const std::uint64_t tag = event.data.u64;
    if (tag & kListenerTag) {
      acceptAll(listeners_[tag & ~kListenerTag]);
    } else if (tag == kSignalTag) {
      stop_ = true;
    } else if (tag == kTimerTag) {
      std::uint64_t expirations = 0;
      while (read(timer_, &expirations, sizeof expirations) > 0) {
      }
      expire();
    } else {
      readable(static_cast<int>(tag));
    }
  }

  void acceptAll(const Listener& listener) {
    for (;;) {
      int fd = accept4(listener.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
          std::fprintf(stderr, "lab_target: accept: %s\n", std::strerror(errno));
        }
        return;
      }
      ++accepted_;
      switch (listener.how) {
        case How::kPlain:
          close(fd);
          break;
        case How::kSsh:
          banner(fd, kSshBanner);
          break;
        case How::kFtp:
          banner(fd, kFtpBanner);
          break;
        case How::kHttp:
          track(fd, How::kHttp, false);
          break;
      }
    }
  }

  // Sends the banner, then waits for the peer's FIN (closing with unread data would send an
  // RST that can destroy the banner before the client reads it).
  void banner(int fd, std::string_view text) {
    if (send(fd, text.data(), text.size(), MSG_NOSIGNAL) < 0) {
      close(fd);
      return;
    }
    shutdown(fd, SHUT_WR);
    track(fd, How::kPlain, true);
  }

  void track(int fd, How how, bool answered) {
    Conn& conn = conns_[fd];
    conn.how = how;
    conn.answered = answered;
    conn.request.clear();
    conn.deadline = std::time(nullptr) + kConnTimeoutSeconds;
    add(fd, EPOLLIN | EPOLLRDHUP, static_cast<std::uint64_t>(fd));
  }

  void finish(int fd) {
    conns_.erase(fd);
    close(fd);  // also removes it from the epoll set
  }

  void readable(int fd) {
    auto found = conns_.find(fd);
    if (found == conns_.end()) return;
    Conn& conn = found->second;
    char buffer[4096];
    for (;;) {
      ssize_t got = recv(fd, buffer, sizeof buffer, 0);
      if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
        finish(fd);
        return;
      }
      if (got < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (conn.answered) continue;
      conn.request.append(buffer, static_cast<std::size_t>(got));
      if (conn.request.find("\r\n\r\n") != std::string::npos ||
          conn.request.find("\n\n") != std::string::npos || conn.request.size() > kMaxRequest) {
        send(fd, kHttpResponse.data(), kHttpResponse.size(), MSG_NOSIGNAL);
        shutdown(fd, SHUT_WR);
        conn.answered = true;
        conn.request.clear();
      }
    }
  }

  void expire() {
    const std::time_t now = std::time(nullptr);
    std::vector<int> stale;
    for (const auto& [fd, conn] : conns_) {
      if (conn.deadline <= now) stale.push_back(fd);
    }
    for (int fd : stale) finish(fd);
  }

  int epoll_ = -1;
  int signal_ = -1;
  int timer_ = -1;
  bool stop_ = false;
  unsigned long long accepted_ = 0;
  std::vector<Listener> listeners_;
  std::unordered_map<int, Conn> conns_;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<ListenSpec> specs;
  std::string pidfile;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage("missing value after " + arg);
    const std::string value = argv[++i];
    if (arg == "--truth") {
      readTruth(value, &specs);
    } else if (arg == "--pidfile") {
      pidfile = value;
    } else if (arg == "--listen") {
      std::size_t last = value.rfind(',');
      std::size_t middle = last == std::string::npos ? last : value.rfind(',', last - 1);
      if (middle == std::string::npos) usage("--listen wants ADDR,PORT,HOW");
      specs.push_back(makeSpec(value.substr(0, middle), value.substr(middle + 1, last - middle - 1),
                               value.substr(last + 1), "--listen " + value));
    } else {
      usage("unknown argument " + arg);
    }
  }
  if (specs.empty()) usage("nothing to listen on");
  raiseFdLimit();
  signal(SIGPIPE, SIG_IGN);
  Server server(specs);
  if (!pidfile.empty()) writePidfile(pidfile);
  std::fprintf(stderr, "lab_target: listening on %zu ports\n", specs.size());
  server.run();
  if (!pidfile.empty()) unlink(pidfile.c_str());
  return 0;
}
