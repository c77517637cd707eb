#include "server/verification_probes.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "net/socket_address.h"

namespace portlens::server {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Waits for `events` on fd until `deadline`; false on timeout.
bool waitFor(core::Clock& clock, int fd, short events, core::Clock::SteadyTime deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now()).count();
    if (left <= 0) return false;
    pollfd waiter{fd, events, 0};
    const int ready = ::poll(&waiter, 1, static_cast<int>(left));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
}

// std::generic_category().message: strerror is not thread-safe (several HTTP threads).
std::string errnoText(const char* what) {
  return std::string(what) + ": " + std::generic_category().message(errno);
}

// One UDP exchange; nullopt on timeout. Replies from any other address or port are dropped.
std::optional<std::vector<std::uint8_t>> exchange(core::Clock& clock, const DnsServer& server,
                                                  const std::vector<std::uint8_t>& query) {
  const auto to = net::toSocketAddress(server.address, server.port);
  Fd fd(::socket(to.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) throw target_policy::DnsError(errnoText("DNS socket"));
  // connect(): the kernel then delivers only datagrams from the resolver's address and port.
  if (::connect(fd.get(), to.get(), to.length) != 0) {
    throw target_policy::DnsError(errnoText("DNS resolver unreachable"));
  }
  if (::send(fd.get(), query.data(), query.size(), 0) < 0) {
    throw target_policy::DnsError(errnoText("DNS send"));
  }
  const auto deadline = clock.now() + kDnsTimeout;
  std::vector<std::uint8_t> reply(4096);
  while (waitFor(clock, fd.get(), POLLIN, deadline)) {
    const auto got = ::recv(fd.get(), reply.data(), reply.size(), 0);
    if (got >= 0) {
      reply.resize(static_cast<std::size_t>(got));
      return reply;
    }
    if (errno != EAGAIN && errno != EINTR) throw target_policy::DnsError(errnoText("DNS recv"));
  }
  return std::nullopt;
}

bool sendAll(core::Clock& clock, int fd, const std::string& data,
             core::Clock::SteadyTime deadline) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    if (!waitFor(clock, fd, POLLOUT, deadline)) return false;
    const auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    if (n > 0) sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads until the peer closes, kMaxHttpBytes, or the deadline.
std::string readBounded(core::Clock& clock, int fd, core::Clock::SteadyTime deadline) {
  std::string data;
  char buffer[4096];
  while (data.size() < kMaxHttpBytes && waitFor(clock, fd, POLLIN, deadline)) {
    const auto n = ::recv(fd, buffer, std::min(sizeof buffer, kMaxHttpBytes - data.size()), 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      break;
    }
    data.append(buffer, static_cast<std::size_t>(n));
  }
  return data;
}

}  // namespace

DnsServer parseDnsServer(const std::string& text) {
  DnsServer server;
  std::string host = text;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) throw std::invalid_argument("bad resolver '" + text + "'");
    host = text.substr(1, close - 1);
    if (close + 1 < text.size() && text[close + 1] == ':') port = text.substr(close + 2);
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    host = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
  }
  const auto address = core::IpAddress::parse(host);
  if (!address) throw std::invalid_argument("resolver '" + text + "' is not an IP address");
  server.address = *address;
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(port) == 0 || std::stoul(port) > 65535) {
      throw std::invalid_argument("bad port in resolver '" + text + "'");
    }
    server.port = static_cast<std::uint16_t>(std::stoul(port));
  }
  return server;
}

DnsServer systemDnsServer() {
  std::ifstream in("/etc/resolv.conf");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key, value;
    if (words >> key >> value && key == "nameserver") {
      if (auto address = core::IpAddress::parse(value)) return {*address, 53};
    }
  }
  return {core::IpAddress::parse("127.0.0.1").value(), 53};
}

target_policy::DnsAnswer queryDns(core::Clock& clock, const DnsServer& server,
                                  const std::string& name, target_policy::DnsType type) {
  std::random_device random;  // a fresh id per query: a blind spoofer must guess it
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto id = static_cast<std::uint16_t>(random());
    const auto query = target_policy::buildDnsQuery(id, name, type);
    if (auto reply = exchange(clock, server, query)) {
      return target_policy::parseDnsAnswer(*reply, id, name, type);
    }
  }
  throw target_policy::DnsError("no answer from the resolver " + server.address.toString());
}

bool fetchContains(core::Clock& clock, const core::IpAddress& address, std::uint16_t port,
                   const std::string& host, const std::string& path, const std::string& token,
                   std::string& why) {
  const auto deadline = clock.now() + kHttpTimeout;
  const auto to = net::toSocketAddress(address, port);
  Fd fd(::socket(to.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    why = errnoText("socket");
    return false;
  }
  if (::connect(fd.get(), to.get(), to.length) != 0 && errno != EINPROGRESS) {
    why = errnoText(("connect to " + address.toString()).c_str());
    return false;
  }
  int error = 0;
  socklen_t length = sizeof error;
  if (!waitFor(clock, fd.get(), POLLOUT, deadline) ||
      ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
    why = "cannot connect to " + address.toString() + " port " + std::to_string(port);
    return false;
  }
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + host +
                              "\r\nUser-Agent: portlens-verification\r\nAccept: */*\r\n"
                              "Connection: close\r\n\r\n";
  if (!sendAll(clock, fd.get(), request, deadline)) {
    why = "cannot send the request to " + address.toString();
    return false;
  }
  const std::string answer = readBounded(clock, fd.get(), deadline);
  // "HTTP/1.x 200 ..." only: a redirect (3xx) is not followed, wherever it points.
  if (answer.rfind("HTTP/1.", 0) != 0 || answer.size() < 12 || answer.compare(9, 3, "200") != 0) {
    why = address.toString() + " did not answer 200 OK for " + path;
    return false;
  }
  const auto body = answer.find("\r\n\r\n");
  if (body == std::string::npos || answer.find(token, body + 4) == std::string::npos) {
    why = "the file at " + address.toString() + " does not contain the token";
    return false;
  }
  return true;
}

}  // namespace portlens::server
