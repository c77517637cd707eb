#include "store/postgres/pg_connection.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "store/postgres/pg_sql.h"

namespace portlens::store {
namespace {

// Parameter types (pg_type.h is a server header): bound values carry their type, so
// `?1 = 0` or `LIMIT ?3` never guess a 32-bit integer.
constexpr Oid kInt8 = 20;
constexpr Oid kFloat8 = 701;
constexpr Oid kText = 25;

struct ClearResult {
  void operator()(PGresult* r) const { libpq().PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ClearResult>;

class PgStatement : public StatementImpl {
 public:
  PgStatement(PgConnection& conn, std::string_view sql)
      : conn_(conn), sql_(toPostgresPlaceholders(sql)) {}

  void bind(int index, std::int64_t value) override { set(index, std::to_string(value), kInt8); }
  void bind(int index, double value) override {
    char buffer[32];
    const int n = std::snprintf(buffer, sizeof buffer, "%.17g", value);
    set(index, std::string(buffer, static_cast<std::size_t>(n)), kFloat8);
  }
  void bind(int index, std::string_view value) override { set(index, std::string(value), kText); }
  void bindNull(int index) override { set(index, std::nullopt, 0); }

  bool step() override {
    if (!result_) execute();
    return ++row_ < libpq().PQntuples(result_.get());
  }
  void reset() override {
    result_.reset();
    row_ = -1;
    values_.clear();
    types_.clear();
  }
  std::int64_t integer(int column) const override {
    if (isNull(column)) return 0;
    return parsePgInteger(cell(column));
  }
  double real(int column) const override {
    if (isNull(column)) return 0;
    return parsePgReal(cell(column));
  }
  std::string text(int column) const override { return std::string(cell(column)); }
  bool isNull(int column) const override {
    requireRow(column);
    return libpq().PQgetisnull(result_.get(), row_, column) != 0;
  }

 private:
  void set(int index, std::optional<std::string> value, Oid type) {
    // PostgreSQL's protocol counts parameters in 16 bits.
    if (index < 1 || index > 65535) throw StoreError("bind: parameter index out of range");
    const auto slot = static_cast<std::size_t>(index - 1);
    if (values_.size() <= slot) {
      values_.resize(slot + 1);
      types_.resize(slot + 1, 0);
    }
    values_[slot] = std::move(value);
    types_[slot] = type;
  }
  void execute() {
    std::vector<const char*> pointers;
    pointers.reserve(values_.size());
    for (const auto& v : values_) pointers.push_back(v ? v->c_str() : nullptr);
    result_.reset(libpq().PQexecParams(conn_.raw(), sql_.c_str(), static_cast<int>(values_.size()),
                                       types_.data(), pointers.data(), nullptr, nullptr, 0));
    row_ = -1;
    conn_.check(result_.get(), sql_);
  }
  void requireRow(int column) const {
    if (!result_ || row_ < 0 || row_ >= libpq().PQntuples(result_.get()) || column < 0 ||
        column >= libpq().PQnfields(result_.get())) {
      throw StoreError("column " + std::to_string(column) + " read without a row");
    }
  }
  std::string_view cell(int column) const {
    requireRow(column);
    return {libpq().PQgetvalue(result_.get(), row_, column),
            static_cast<std::size_t>(libpq().PQgetlength(result_.get(), row_, column))};
  }

  PgConnection& conn_;
  std::string sql_;
  std::vector<std::optional<std::string>> values_;
  std::vector<Oid> types_;
  Result result_;
  int row_ = -1;
};

void ignoreNotice(void* /*arg*/, const char* /*message*/) {}

}  // namespace

PGconn* connectPostgres(const std::string& url) {
  // Defaults the URL may override (later keywords win, and the URL expands in place of
  // dbname): without a connect timeout, an unreachable database host held a connect for the
  // kernel's ~2 minutes of SYN retries (a worker's or front end's stop waited for it), and
  // without keepalives a half-open connection (a host gone, no FIN) looked alive forever.
  const char* const keywords[] = {
      "connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
      "dbname",          nullptr};
  const char* const values[] = {"10", "1", "30", "10", "3", url.c_str(), nullptr};
  PGconn* conn = libpq().PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr || libpq().PQstatus(conn) != CONNECTION_OK) {
    std::string message = conn ? libpq().PQerrorMessage(conn) : "out of memory";
    while (!message.empty() && message.back() == '\n') message.pop_back();
    libpq().PQfinish(conn);
    throw ConnectionLost("cannot connect to the PostgreSQL database: " + message);
  }
  // "relation already exists, skipping" and the like: not for the server's stderr.
  libpq().PQsetNoticeProcessor(conn, ignoreNotice, nullptr);
  return conn;
}

PgConnection::PgConnection(const std::string& url) : conn_(connectPostgres(url)) {}

PgConnection::~PgConnection() { libpq().PQfinish(conn_); }

void PgConnection::check(const PGresult* result, std::string_view sql) {
  const auto status = result ? libpq().PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    const std::string_view tag = libpq().PQcmdStatus(const_cast<PGresult*>(result));
    if (tag.starts_with("INSERT") || tag.starts_with("UPDATE") || tag.starts_with("DELETE") ||
        tag.starts_with("COPY")) {
      changes_ = std::atoi(libpq().PQcmdTuples(const_cast<PGresult*>(result)));
    }
    return;
  }
  std::string message =
      result ? libpq().PQresultErrorMessage(result) : libpq().PQerrorMessage(conn_);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  if (libpq().PQstatus(conn_) != CONNECTION_OK) {
    throw ConnectionLost("PostgreSQL connection lost (reopen the store): " + message);
  }
  message += " (in: " + std::string(sql.substr(0, 60)) + ")";
  const char* sqlstate = result ? libpq().PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (sqlstate != nullptr && std::string_view(sqlstate) == "23505") throw UniqueViolation(message);
  throw StoreError(message);
}

void PgConnection::exec(std::string_view sql) {
  const std::string text(sql);
  Result result(libpq().PQexec(conn_, text.c_str()));
  check(result.get(), text);
}

std::unique_ptr<StatementImpl> PgConnection::prepare(std::string_view sql) {
  return std::make_unique<PgStatement>(*this, sql);
}

void PgConnection::beginWrite(bool writer_lock) {
  if (!writer_lock) {
    exec("BEGIN");
    return;
  }
  exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriterLock) + ")");
}

void PgConnection::copyFrom(std::string_view target, std::string_view rows) {
  const std::string sql = "COPY " + std::string(target) + " FROM STDIN";
  Result start(libpq().PQexec(conn_, sql.c_str()));
  if (!start || libpq().PQresultStatus(start.get()) != PGRES_COPY_IN) {
    check(start.get(), sql);  // the server's error (no such table, ...)
    throw StoreError("COPY did not start (in: " + sql + ")");
  }
  // libpq takes an int's worth a call; a blocking connection queues it all.
  constexpr std::size_t kChunk = 1 << 20;
  bool sent = true;
  for (std::size_t at = 0; sent && at < rows.size(); at += kChunk) {
    const std::size_t n = std::min(kChunk, rows.size() - at);
    sent = libpq().PQputCopyData(conn_, rows.data() + at, static_cast<int>(n)) == 1;
  }
  // Ended either way: a failed send ends the COPY with an error, whose result follows.
  const auto stuck = [&] {
    broken_ = true;  // still inside the COPY: no statement can follow on this connection
    throw ConnectionLost("PostgreSQL connection left inside a COPY (reopen the store): " +
                         std::string(libpq().PQerrorMessage(conn_)));
  };
  if (libpq().PQputCopyEnd(conn_, sent ? nullptr : "portlens: sending the rows failed") != 1) {
    if (libpq().PQstatus(conn_) == CONNECTION_OK) stuck();
  }
  // The COPY's result, then whatever follows until libpq has none (the connection is free for
  // the next statement only then); the first failure is the one reported.
  Result outcome(libpq().PQgetResult(conn_));
  while (PGresult* more = libpq().PQgetResult(conn_)) {
    const auto status = libpq().PQresultStatus(more);
    libpq().PQclear(more);
    if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT) stuck();
  }
  check(outcome.get(), sql);
}

bool PgConnection::tableExists(std::string_view name) {
  PgStatement st(*this, "SELECT 1 WHERE to_regclass(?1) IS NOT NULL");
  st.bind(1, name);
  return st.step();
}

}  // namespace portlens::store
