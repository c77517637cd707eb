#include "sockets/sources/netlink_diag.h"

#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <initializer_list>
#include <string_view>
#include <system_error>

#include "core/unique_fd.h"
#include "sockets/sources/netlink_diag_parser.h"

namespace portlens::sockets {
namespace {

// The kernel fills at most ~32 KiB per dump step whatever we offer; a larger buffer only
// lets one recv() return several of those steps at once.
constexpr std::size_t kRecvBufferSize = std::size_t{256} * 1024;

[[noreturn]] void fail(int error, const char* what) {
  throw std::system_error(error, std::generic_category(), what);
}

void dumpFamily(int fd, core::Family family, StateMask states, std::uint32_t sequence,
                const std::vector<PortCondition>& ports, std::vector<std::uint8_t>& buffer,
                const ChunkTap& tap, std::vector<SocketRecord>& out) {
  const std::vector<std::uint8_t> request = buildDumpRequest(family, states, sequence, ports);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof(kernel)) < 0) {
    fail(errno, "sock_diag request");
  }
  for (;;) {
    const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      fail(errno, "sock_diag receive");
    }
    if (got == 0) fail(EPROTO, "sock_diag: socket closed mid-dump");
    const std::span<const std::uint8_t> chunk(buffer.data(), static_cast<std::size_t>(got));
    if (tap) tap(chunk);
    const ChunkResult result = parseDumpChunk(chunk, out);
    switch (result.status) {
      case ChunkResult::Status::kMore:
        break;
      case ChunkResult::Status::kDone:
        return;
      case ChunkResult::Status::kError:
        fail(result.error, "sock_diag dump");
      case ChunkResult::Status::kMalformed:
        fail(EPROTO, "sock_diag: malformed reply");
    }
  }
}

// The sum of the numbers after each of `keys` in the line starting with `line` (one read of
// the file), an absent key counting 0.
std::size_t sockstatSum(const char* path, std::string_view line,
                        std::initializer_list<std::string_view> keys) {
  char text[1024];
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  const ssize_t got = ::read(fd, text, sizeof(text) - 1);
  ::close(fd);
  if (got <= 0) return 0;
  text[got] = '\0';
  const std::string_view content(text, static_cast<std::size_t>(got));
  const auto start = content.find(line);
  if (start == std::string_view::npos) return 0;
  const auto end = std::min(content.find('\n', start), content.size());
  std::size_t sum = 0;
  for (const std::string_view key : keys) {
    const auto at = content.substr(0, end).find(key, start);
    if (at != std::string_view::npos) sum += std::strtoull(text + at + key.size(), nullptr, 10);
  }
  return sum;
}

// How many TCP sockets this namespace holds (sockstat's per-namespace counters), so the
// record vector is allocated once instead of doubling (and copying) its way to 100,000.
std::size_t estimateSocketCount() {
  return sockstatSum("/proc/net/sockstat", "TCP:", {" inuse ", " tw "}) +
         sockstatSum("/proc/net/sockstat6", "TCP6:", {" inuse "});
}

}  // namespace

std::vector<SocketRecord> dumpNetlink(StateMask states, const ChunkTap& tap,
                                      const std::vector<PortCondition>& ports) {
  // Request sockets (NEW_SYN_RECV) are what ss shows as SYN-RECV; ask for both bits.
  if (states & stateBit(TcpState::kSynRecv)) states |= stateBit(TcpState::kNewSynRecv);
  core::UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
  if (!fd.valid()) fail(errno, "netlink sock_diag socket");
  std::vector<std::uint8_t> buffer(kRecvBufferSize);
  std::vector<SocketRecord> records;
  records.reserve(std::min<std::size_t>(estimateSocketCount() + 256, 4'000'000));
  dumpFamily(fd.get(), core::Family::kIpv4, states, 1, ports, buffer, tap, records);
  try {
    dumpFamily(fd.get(), core::Family::kIpv6, states, 2, ports, buffer, tap, records);
  } catch (const std::system_error& e) {
    // A kernel without IPv6 has no AF_INET6 handler for sock_diag: an IPv4-only table.
    if (e.code().value() != ENOENT && e.code().value() != EAFNOSUPPORT) throw;
  }
  return records;
}

}  // namespace portlens::sockets
