// The libpq functions of the PostgreSQL store, resolved at run time from libpq.so.5 the first
// time a store opens a postgresql:// location: `portlens` does not link libpq, so commands
// without PostgreSQL (`port`, `sockets`, a SQLite store, ...) do not pay the dynamic loader for
// mapping libpq and what it links (libssl, libcrypto, GSSAPI, LDAP, Kerberos); see
// docs/architecture.md, "Start-up cost of small commands". The pattern is OpenSSL's
// (detect/tls/openssl_api.h). libpq stays the system's shared library (security updates).
//
// Every call into libpq from src/ goes through libpq(): a direct call would not link (nothing
// links libpq), so the list below is complete by construction. Tests may link libpq and call
// it directly: dlopen then returns the library already loaded.
//
// Thread: any; the first call loads (a function-local static: concurrent first calls wait for
// one load). The library stays loaded for the life of the process (it registers OpenSSL and
// Kerberos state that must not be unloaded).
// Errors: StoreError naming the Debian package libpq5 when libpq.so.5 is missing or lacks a
// function (not ConnectionLost: a missing library does not come back on a reconnect); a later
// call tries again.
#pragma once

#include <libpq-fe.h>

namespace portlens::store {

// X(name): one libpq function, stored in LibpqApi under its own name and type.
// clang-format off
#define PORTLENS_LIBPQ_FUNCTIONS(X)                                                            \
  /* connection (pg_connection, change_listener) */                                            \
  X(PQconnectdbParams) X(PQstatus) X(PQerrorMessage) X(PQfinish) X(PQsetNoticeProcessor)       \
  /* statements and results (pg_connection) */                                                 \
  X(PQexec) X(PQexecParams) X(PQresultStatus) X(PQresultErrorMessage) X(PQresultErrorField)    \
  X(PQcmdStatus) X(PQcmdTuples) X(PQntuples) X(PQnfields) X(PQgetvalue) X(PQgetlength)         \
  X(PQgetisnull) X(PQclear) X(PQputCopyData) X(PQputCopyEnd) X(PQgetResult)                    \
  /* LISTEN/NOTIFY (change_listener) */                                                        \
  X(PQsocket) X(PQconsumeInput) X(PQnotifies) X(PQfreemem)
// clang-format on

// The members keep libpq's names and types, so a call reads as libpq's documentation spells
// it (api.PQexec(conn, sql)) and the compiler checks it against libpq-fe.h's declaration.
struct LibpqApi {
// NOLINTNEXTLINE(bugprone-macro-parentheses): `name` declares a member, it is no expression.
#define PORTLENS_LIBPQ_MEMBER(name) decltype(&::name) name = nullptr;
  PORTLENS_LIBPQ_FUNCTIONS(PORTLENS_LIBPQ_MEMBER)
#undef PORTLENS_LIBPQ_MEMBER
};

// The functions, loading libpq.so.5 on the first call.
const LibpqApi& libpq();

}  // namespace portlens::store
