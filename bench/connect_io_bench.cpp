// connect_io_bench: epoll vs io_uring for a full-range TCP connect scan of 127.0.0.1.
//
//   connect_io_bench epoll|uring [inflight]     (inflight defaults to 4096)
//
// Scans ports 1-65535 of 127.0.0.1 with `inflight` probes in flight. All ports are expected
// closed except one listener this program opens itself on an ephemeral port. Prints
// `method elapsed_s open closed` on stdout (diagnostics on stderr).
//
// SAFETY (docs/network-safety.md): the only target is 127.0.0.1, and the program refuses to
// run unless its network namespace holds nothing but `lo`, i.e. run it inside
//   unshare -n sh -c 'ip link set lo up; connect_io_bench epoll'
// It also stops itself after 120 s.
//
// epoll mirrors src/scan/transports/connect_transport.cpp per probe: socket(SOCK_NONBLOCK) +
// setsockopt(IP_RECVERR) + connect (EINPROGRESS) + epoll_ctl(ADD); epoll_wait 1024 events;
// on EPOLLERR recvmsg(MSG_ERRQUEUE) then getsockopt(SO_ERROR); close. Refilled 256 at a time.
// uring per probe: IORING_OP_SOCKET, setsockopt(IP_RECVERR) (plain syscall), IORING_OP_CONNECT,
// IORING_OP_CLOSE; all SQEs produced by one batch of completions go in one submit.
// Both: a connect that "succeeds" because the kernel chose the target port as the source port
// (self-connect, simultaneous open) is retried, as the transport does.

#include <arpa/inet.h>
#include <liburing.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kFirstPort = 1;
constexpr int kLastPort = 65535;

struct Counts {
  long open = 0;
  long closed = 0;
  long other = 0;       // any other connect error
  long self_retry = 0;  // self-connects retried
};

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "connect_io_bench: %s: %s\n", what, std::strerror(errno));
  std::exit(2);
}

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // 127.0.0.1, the only target
  return a;
}

// Refuse to run in a namespace with any interface besides lo (e.g. the machine's own).
void requirePrivateNamespace() {
  struct if_nameindex* list = if_nameindex();
  if (list == nullptr) die("if_nameindex");
  bool ok = true;
  for (struct if_nameindex* i = list; i->if_index != 0; ++i) {
    if (std::strcmp(i->if_name, "lo") != 0) {
      std::fprintf(stderr, "connect_io_bench: interface %s present; run inside `unshare -n`\n",
                   i->if_name);
      ok = false;
    }
  }
  if_freenameindex(list);
  if (!ok) std::exit(3);
}

void raiseNofile() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) die("getrlimit");
  r.rlim_cur = r.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &r) != 0) die("setrlimit");
}

int openListener(int& port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("listener socket");
  sockaddr_in a = loopback(0);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) die("bind");
  if (listen(fd, 64) != 0) die("listen");
  socklen_t len = sizeof(a);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) die("getsockname");
  port = ntohs(a.sin_port);
  return fd;
}

bool isSelfConnect(int fd) {
  sockaddr_in local{};
  sockaddr_in peer{};
  socklen_t ll = sizeof(local);
  socklen_t pl = sizeof(peer);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0 ||
      getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) {
    return false;
  }
  return local.sin_port == peer.sin_port && local.sin_addr.s_addr == peer.sin_addr.s_addr;
}

void hardCloseOption(int fd) {
  linger l{1, 0};  // leave with a reset: no TIME_WAIT
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

void setRecvErr(int fd) {
  int on = 1;
  setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on));
}

// As readIcmpError() in the transport: for a plain RST this returns EAGAIN.
void drainErrQueue(int fd) {
  char control[512];
  char data[64];
  iovec iov{data, sizeof(data)};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  (void)recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
}

// ---------------------------------------------------------------- epoll (current design)

Counts runEpoll(int inflight) {
  Counts c;
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) die("epoll_create1");
  std::vector<int> fds(static_cast<std::size_t>(inflight), -1);
  std::vector<int> ports(static_cast<std::size_t>(inflight), 0);
  std::vector<int> free_slots;
  for (int i = inflight - 1; i >= 0; --i) free_slots.push_back(i);
  std::vector<int> retry;
  int next_port = kFirstPort;
  long done = 0;
  const long total = kLastPort - kFirstPort + 1;

  auto record = [&](int error) {
    if (error == 0)
      ++c.open;
    else if (error == ECONNREFUSED)
      ++c.closed;
    else
      ++c.other;
    ++done;
  };

  // Finish a probe whose connect() result is known (error 0 = connected).
  auto finish = [&](int slot, int error) {
    int fd = fds[static_cast<std::size_t>(slot)];
    if (error != 0) {
      drainErrQueue(fd);
    } else if (isSelfConnect(fd)) {
      ::close(fd);
      ++c.self_retry;
      retry.push_back(ports[static_cast<std::size_t>(slot)]);
      fds[static_cast<std::size_t>(slot)] = -1;
      free_slots.push_back(slot);
      return;
    } else {
      hardCloseOption(fd);
    }
    ::close(fd);
    fds[static_cast<std::size_t>(slot)] = -1;
    free_slots.push_back(slot);
    record(error);
  };

  auto start = [&](int port) {
    int slot = free_slots.back();
    free_slots.pop_back();
    ports[static_cast<std::size_t>(slot)] = port;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd < 0) die("socket");
    setRecvErr(fd);
    fds[static_cast<std::size_t>(slot)] = fd;
    sockaddr_in a = loopback(port);
    int rc = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    if (rc == 0 || errno != EINPROGRESS) {
      finish(slot, rc == 0 ? 0 : errno);  // loopback can answer inside connect()
      return;
    }
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.u32 = static_cast<std::uint32_t>(slot);
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll_ctl");
  };

  constexpr int kRefill = 256;
  constexpr int kMaxEvents = 1024;
  epoll_event events[kMaxEvents];
  while (done < total) {
    while (!retry.empty() && !free_slots.empty()) {
      int p = retry.back();
      retry.pop_back();
      start(p);
    }
    // Refill in chunks of 256 (the scheduler's granularity), the last chunk may be short.
    while (next_port <= kLastPort &&
           (static_cast<int>(free_slots.size()) >= kRefill ||
            kLastPort - next_port + 1 <= static_cast<int>(free_slots.size()))) {
      int n = std::min(kRefill, kLastPort - next_port + 1);
      for (int i = 0; i < n; ++i) start(next_port++);
    }
    if (done >= total) break;
    int n = epoll_wait(ep, events, kMaxEvents, 1000);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
      int slot = static_cast<int>(events[i].data.u32);
      if ((events[i].events & EPOLLERR) != 0) {
        int fd = fds[static_cast<std::size_t>(slot)];
        drainErrQueue(fd);
        int error = 0;
        socklen_t len = sizeof(error);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
        ::close(fd);
        fds[static_cast<std::size_t>(slot)] = -1;
        free_slots.push_back(slot);
        record(error == 0 ? ECONNREFUSED : error);
      } else {
        finish(slot, 0);
      }
    }
  }
  ::close(ep);
  return c;
}

// ---------------------------------------------------------------- io_uring

enum Op : std::uint64_t { kSocket = 0, kConnect = 1, kClose = 2 };

std::uint64_t tag(int slot, Op op) { return (static_cast<std::uint64_t>(slot) << 2) | op; }

Counts runUring(int inflight) {
  Counts c;
  // BENCH_URING_ERRQUEUE=1: also recvmsg(MSG_ERRQUEUE) on each refusal, as the transport does.
  const bool errqueue = std::getenv("BENCH_URING_ERRQUEUE") != nullptr;
  io_uring ring{};
  unsigned entries = 1;
  while (entries < static_cast<unsigned>(inflight)) entries <<= 1;
  io_uring_params params{};
  params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN |
                 IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  params.cq_entries = entries * 4;
  int rc = io_uring_queue_init_params(entries, &ring, &params);
  if (rc < 0) {
    std::fprintf(stderr, "connect_io_bench: ring flags refused (%s), plain ring\n",
                 std::strerror(-rc));
    params = io_uring_params{};
    params.flags = IORING_SETUP_CQSIZE;
    params.cq_entries = entries * 4;
    rc = io_uring_queue_init_params(entries, &ring, &params);
    if (rc < 0) {
      errno = -rc;
      die("io_uring_queue_init_params");
    }
  }

  std::vector<int> fds(static_cast<std::size_t>(inflight), -1);
  std::vector<sockaddr_in> addrs(static_cast<std::size_t>(inflight));
  std::vector<int> free_slots;
  for (int i = inflight - 1; i >= 0; --i) free_slots.push_back(i);
  int next_port = kFirstPort;
  long done = 0;
  const long total = kLastPort - kFirstPort + 1;
  long outstanding = 0;  // SQEs whose CQE has not been seen yet

  auto sqe = [&]() {
    io_uring_sqe* s = io_uring_get_sqe(&ring);
    while (s == nullptr) {
      int r = io_uring_submit(&ring);
      if (r < 0) {
        errno = -r;
        die("io_uring_submit");
      }
      s = io_uring_get_sqe(&ring);
    }
    ++outstanding;
    return s;
  };
  auto startSocket = [&](int slot) {
    io_uring_sqe* s = sqe();
    io_uring_prep_socket(s, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP, 0);
    io_uring_sqe_set_data64(s, tag(slot, kSocket));
  };
  auto startClose = [&](int fd) {
    io_uring_sqe* s = sqe();
    io_uring_prep_close(s, fd);
    io_uring_sqe_set_data64(s, tag(0, kClose));
  };
  auto startPort = [&](int port) {
    int slot = free_slots.back();
    free_slots.pop_back();
    addrs[static_cast<std::size_t>(slot)] = loopback(port);
    startSocket(slot);
  };

  while (done < total) {
    while (!free_slots.empty() && next_port <= kLastPort) startPort(next_port++);
    int r = io_uring_submit_and_wait(&ring, 1);
    if (r < 0) {
      if (r == -EINTR) continue;
      errno = -r;
      die("io_uring_submit_and_wait");
    }
    io_uring_cqe* cqe = nullptr;
    unsigned head = 0;
    unsigned seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      ++seen;
      --outstanding;
      const std::uint64_t data = io_uring_cqe_get_data64(cqe);
      const int slot = static_cast<int>(data >> 2);
      const int res = cqe->res;
      const std::size_t s = static_cast<std::size_t>(slot);
      switch (static_cast<Op>(data & 3)) {
        case kSocket: {
          if (res < 0) {
            errno = -res;
            die("IORING_OP_SOCKET");
          }
          fds[s] = res;
          setRecvErr(res);
          io_uring_sqe* e = sqe();
          io_uring_prep_connect(e, res, reinterpret_cast<sockaddr*>(&addrs[s]),
                                sizeof(sockaddr_in));
          io_uring_sqe_set_data64(e, tag(slot, kConnect));
          break;
        }
        case kConnect: {
          int fd = fds[s];
          fds[s] = -1;
          if (res == 0 && isSelfConnect(fd)) {
            ++c.self_retry;
            startClose(fd);
            startSocket(slot);  // same slot, same address, new socket
            break;
          }
          if (res == 0) {
            hardCloseOption(fd);
            ++c.open;
          } else if (res == -ECONNREFUSED) {
            if (errqueue) drainErrQueue(fd);  // what the transport needs for ICMP reasons
            ++c.closed;
          } else {
            ++c.other;
          }
          ++done;
          startClose(fd);
          free_slots.push_back(slot);
          break;
        }
        case kClose:
          if (res < 0) std::fprintf(stderr, "close: %s\n", std::strerror(-res));
          break;
      }
    }
    io_uring_cq_advance(&ring, seen);
  }
  // Drain the remaining closes.
  io_uring_submit(&ring);
  while (outstanding > 0) {
    io_uring_cqe* cqe = nullptr;
    int r = io_uring_wait_cqe(&ring, &cqe);
    if (r < 0) {
      if (r == -EINTR) continue;
      errno = -r;
      die("io_uring_wait_cqe");
    }
    io_uring_cqe_seen(&ring, cqe);
    --outstanding;
  }
  io_uring_queue_exit(&ring);
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: connect_io_bench epoll|uring [inflight]\n");
    return 1;
  }
  const std::string method = argv[1];
  const int inflight = argc == 3 ? std::atoi(argv[2]) : 4096;
  if ((method != "epoll" && method != "uring") || inflight < 1 || inflight > 1 << 20) {
    std::fprintf(stderr, "usage: connect_io_bench epoll|uring [inflight]\n");
    return 1;
  }
  requirePrivateNamespace();
  alarm(120);  // bounded: stops by itself
  raiseNofile();
  int port = 0;
  int listener = openListener(port);

  const auto t0 = std::chrono::steady_clock::now();
  Counts c = method == "epoll" ? runEpoll(inflight) : runUring(inflight);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::printf("%s %.3f %ld %ld\n", method.c_str(), elapsed, c.open, c.closed);
  std::fprintf(stderr, "listener_port=%d other_errors=%ld self_connect_retries=%ld\n", port,
               c.other, c.self_retry);
  ::close(listener);
  const bool ok = c.open == 1 && c.closed == kLastPort - kFirstPort && c.other == 0;
  return ok ? 0 : 4;
}
