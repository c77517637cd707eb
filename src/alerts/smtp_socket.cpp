#include "alerts/smtp_socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "alerts/delivery_error.h"
#include "core/unique_fd.h"

namespace portlens::alerts {
namespace {

constexpr std::size_t kMaxLineBytes = 2048;

void waitFor(int fd, short events, std::chrono::milliseconds timeout, const char* what) {
  pollfd entry{fd, events, 0};
  const int ready = ::poll(&entry, 1, static_cast<int>(timeout.count()));
  if (ready == 0) throw DeliveryError(std::string("SMTP: timeout while ") + what);
  if (ready < 0)
    throw DeliveryError(std::string("SMTP: poll: ") + std::generic_category().message(errno));
}

class TcpSmtpChannel final : public SmtpChannel {
 public:
  TcpSmtpChannel(core::UniqueFd fd, std::chrono::milliseconds timeout)
      : fd_(std::move(fd)), timeout_(timeout) {}

  std::string readLine() override {
    for (;;) {
      if (const auto end = buffer_.find("\r\n"); end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        return line;
      }
      if (buffer_.size() > kMaxLineBytes) throw DeliveryError("SMTP: reply line too long");
      waitFor(fd_.get(), POLLIN, timeout_, "reading a reply");
      char chunk[1024];
      const ssize_t got = ::recv(fd_.get(), chunk, sizeof chunk, 0);
      if (got == 0) throw DeliveryError("SMTP: the relay closed the connection");
      if (got < 0 && errno != EAGAIN && errno != EINTR) {
        throw DeliveryError(std::string("SMTP: recv: ") + std::generic_category().message(errno));
      }
      if (got > 0) buffer_.append(chunk, static_cast<std::size_t>(got));
    }
  }

  void write(std::string_view data) override {
    while (!data.empty()) {
      waitFor(fd_.get(), POLLOUT, timeout_, "sending");
      const ssize_t sent = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
      if (sent < 0 && errno != EAGAIN && errno != EINTR) {
        throw DeliveryError(std::string("SMTP: send: ") + std::generic_category().message(errno));
      }
      if (sent > 0) data.remove_prefix(static_cast<std::size_t>(sent));
    }
  }

 private:
  core::UniqueFd fd_;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

core::UniqueFd connectOne(const addrinfo& address, std::chrono::milliseconds timeout) {
  core::UniqueFd fd(::socket(address.ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid())
    throw DeliveryError(std::string("SMTP: socket: ") + std::generic_category().message(errno));
  if (::connect(fd.get(), address.ai_addr, address.ai_addrlen) != 0 && errno != EINPROGRESS) {
    throw DeliveryError(std::string("SMTP: connect: ") + std::generic_category().message(errno));
  }
  waitFor(fd.get(), POLLOUT, timeout, "connecting");
  int error = 0;
  socklen_t size = sizeof error;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &size);
  if (error != 0)
    throw DeliveryError(std::string("SMTP: connect: ") + std::generic_category().message(error));
  return fd;
}

}  // namespace

std::unique_ptr<SmtpChannel> connectSmtp(const std::string& host, std::uint16_t port,
                                         std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
      rc != 0) {
    throw DeliveryError("SMTP: cannot resolve the relay: " + std::string(gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(found, freeaddrinfo);
  std::string last_error = "SMTP: no address for the relay";
  for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
    try {
      return std::make_unique<TcpSmtpChannel>(connectOne(*address, timeout), timeout);
    } catch (const DeliveryError& e) {
      last_error = e.what();
    }
  }
  throw DeliveryError(last_error);
}

}  // namespace portlens::alerts
