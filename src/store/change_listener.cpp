#include "store/change_listener.h"

#include <poll.h>

#include <cctype>

#include "store/database.h"
#include "store/postgres/pg_connection.h"

namespace portlens::store {

struct ChangeListener::Impl {
  PGconn* conn = nullptr;
  // No connection (connectPostgres threw, maybe for a missing libpq): nothing to load or close.
  ~Impl() {
    if (conn != nullptr) libpq().PQfinish(conn);
  }

  void drain(std::vector<std::string>& out) const {
    while (PGnotify* n = libpq().PQnotifies(conn)) {
      out.emplace_back(n->extra);
      libpq().PQfreemem(n);
    }
  }
  void consume() const {
    if (libpq().PQconsumeInput(conn) == 0) {
      throw ConnectionLost(std::string("PostgreSQL listener connection lost: ") +
                           libpq().PQerrorMessage(conn));
    }
  }
};

ChangeListener::ChangeListener(const std::string& url, std::string_view channel)
    : impl_(std::make_unique<Impl>()) {
  for (char c : channel) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_') {
      throw StoreError("bad notification channel name");
    }
  }
  impl_->conn = connectPostgres(url);
  PGresult* r = libpq().PQexec(impl_->conn, ("LISTEN " + std::string(channel)).c_str());
  const bool ok = libpq().PQresultStatus(r) == PGRES_COMMAND_OK;
  libpq().PQclear(r);
  if (!ok) throw StoreError(std::string("LISTEN: ") + libpq().PQerrorMessage(impl_->conn));
}

ChangeListener::~ChangeListener() = default;

std::vector<std::string> ChangeListener::wait(std::chrono::milliseconds timeout) {
  std::vector<std::string> out;
  impl_->consume();
  impl_->drain(out);
  if (!out.empty()) return out;
  pollfd fd{libpq().PQsocket(impl_->conn), POLLIN, 0};
  if (fd.fd < 0) throw ConnectionLost("PostgreSQL listener connection lost");
  const int ready = ::poll(&fd, 1, static_cast<int>(timeout.count()));
  if (ready > 0) {
    impl_->consume();
    impl_->drain(out);
  }
  return out;
}

}  // namespace portlens::store
