// connect_io_bench: the product's two connect transports (scan/transports: epoll and io_uring)
// on a full-range TCP connect scan of 127.0.0.1, without the engine around them.
//
//   connect_io_bench epoll|uring [inflight]     (inflight defaults to 4096)
//
// Probes ports 1-65535 of 127.0.0.1 through EpollConnectTransport or UringConnectTransport
// (linked from portlens_scan, not copied), keeping `inflight` probes in flight: every free
// slot gets the next port, every answer frees its slot. On loopback every probe is answered
// (open or reset), so no deadline is needed; the transports' own work (the ICMP error-queue
// read, the self-connect check and re-probe, SO_LINGER 0 on open ports) is all measured. All
// ports are expected closed except one listener this program opens itself on an ephemeral
// port. Prints `method elapsed_s open closed` on stdout (diagnostics on stderr); exit 4 when
// the counts are wrong.
//
// SAFETY (docs/network-safety.md): the only target is 127.0.0.1, and the program refuses to
// run unless its network namespace holds nothing but `lo`, i.e. run it inside
//   unshare -n sh -c 'ip link set lo up; connect_io_bench epoll'
// It also stops itself after 120 s.

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "scan/transport.h"
#include "scan/transports/epoll_connect_transport.h"
#include "scan/transports/uring_connect_transport.h"

namespace {

using portlens::scan::PortState;

constexpr std::uint32_t kFirstPort = 1;
constexpr std::uint32_t kLastPort = 65535;

struct Counts {
  long open = 0;
  long closed = 0;
  long other = 0;  // filtered: not expected on loopback
};

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "connect_io_bench: %s: %s\n", what, std::strerror(errno));
  std::exit(2);
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
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("listener socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // 127.0.0.1, the only target
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) die("bind");
  if (listen(fd, 64) != 0) die("listen");
  socklen_t len = sizeof(a);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) die("getsockname");
  port = ntohs(a.sin_port);
  return fd;
}

std::unique_ptr<portlens::scan::Transport> makeTransport(const std::string& method,
                                                         std::uint32_t inflight,
                                                         portlens::core::Clock& clock) {
  if (method == "epoll") {
    return std::make_unique<portlens::scan::EpollConnectTransport>(inflight, clock);
  }
  auto uring = portlens::scan::UringConnectTransport::create(inflight, clock);
  if (!uring) {
    std::fprintf(stderr, "connect_io_bench: the kernel refuses io_uring\n");
    std::exit(2);
  }
  return uring;
}

// Keeps every free slot busy with the next port until each port has its answer.
Counts scanLoopback(portlens::scan::Transport& transport) {
  const auto target = portlens::core::IpAddress::parse("127.0.0.1").value();
  std::vector<std::uint32_t> free_slots;
  for (std::uint32_t slot = transport.capacity(); slot > 0; --slot) free_slots.push_back(slot - 1);
  std::vector<portlens::scan::ProbeAnswer> answers;
  Counts counts;
  std::uint32_t next_port = kFirstPort;
  long done = 0;
  while (done < static_cast<long>(kLastPort - kFirstPort + 1)) {
    while (next_port <= kLastPort && !free_slots.empty()) {
      const auto status =
          transport.start(free_slots.back(), target, static_cast<std::uint16_t>(next_port));
      if (status == portlens::scan::StartStatus::kBusy) break;  // fds ran out: answers first
      free_slots.pop_back();
      ++next_port;
    }
    answers.clear();
    transport.poll(std::chrono::seconds(1), answers);
    for (const auto& answer : answers) {
      free_slots.push_back(answer.slot);
      ++done;
      if (answer.state == PortState::kOpen) {
        ++counts.open;
      } else if (answer.state == PortState::kClosed) {
        ++counts.closed;
      } else {
        ++counts.other;
      }
    }
  }
  return counts;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string method = argc >= 2 ? argv[1] : "";
  const long inflight = argc == 3 ? std::atol(argv[2]) : 4096;
  if (argc < 2 || argc > 3 || (method != "epoll" && method != "uring") || inflight < 1 ||
      inflight > 1 << 20) {
    std::fprintf(stderr, "usage: connect_io_bench epoll|uring [inflight]\n");
    return 1;
  }
  requirePrivateNamespace();
  alarm(120);  // bounded: stops by itself
  raiseNofile();
  int port = 0;
  const int listener = openListener(port);
  portlens::core::SystemClock clock;
  const auto transport = makeTransport(method, static_cast<std::uint32_t>(inflight), clock);

  const auto t0 = clock.now();
  const Counts c = scanLoopback(*transport);
  const double elapsed = std::chrono::duration<double>(clock.now() - t0).count();

  std::printf("%s %.3f %ld %ld\n", method.c_str(), elapsed, c.open, c.closed);
  std::fprintf(stderr, "listener_port=%d filtered=%ld\n", port, c.other);
  ::close(listener);
  const bool ok = c.open == 1 && c.closed == kLastPort - kFirstPort && c.other == 0;
  return ok ? 0 : 4;
}
