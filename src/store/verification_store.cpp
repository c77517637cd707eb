#include "store/verification_store.h"

#include <sstream>

#include "store/store_schema.h"

namespace portlens::store {
namespace {

constexpr std::string_view kColumns =
    "id, public_id, owner, target, status, method, token, created_ms, verified_ms, expires_ms, "
    "proved, last_error";

// Blocks are kept as one space-separated text (a handful per row, never queried one by one).
std::string joinBlocks(const std::vector<std::string>& blocks) {
  std::string out;
  for (const auto& b : blocks) out += (out.empty() ? "" : " ") + b;
  return out;
}

std::vector<std::string> splitBlocks(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string block; in >> block;) out.push_back(block);
  return out;
}

VerificationRow readRow(const Statement& st) {
  VerificationRow r;
  r.id = st.integer(0);
  r.public_id = st.text(1);
  r.owner = st.text(2);
  r.target = st.text(3);
  r.status = st.text(4);
  r.method = st.text(5);
  r.token = st.text(6);
  r.created_ms = st.integer(7);
  r.verified_ms = st.integer(8);
  r.expires_ms = st.integer(9);
  r.proved = splitBlocks(st.text(10));
  r.last_error = st.text(11);
  return r;
}

std::vector<VerificationRow> readAll(Statement& st) {
  std::vector<VerificationRow> out;
  while (st.step()) out.push_back(readRow(st));
  return out;
}

}  // namespace

void createVerificationSchema(Database& db) {
  migrate(db, "verifications", verificationMigrations());
}

VerificationStore::VerificationStore(ScanStore& scans) : db_(scans.database()) {}

std::int64_t VerificationStore::insert(const VerificationRow& row) {
  auto st = db_.prepare(
      "INSERT INTO verifications (public_id, owner, target, status, method, token, created_ms, "
      "verified_ms, expires_ms, proved, last_error) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id");
  st.bind(1, row.public_id).bind(2, row.owner).bind(3, row.target).bind(4, row.status);
  st.bind(5, row.method).bind(6, row.token).bind(7, row.created_ms).bind(8, row.verified_ms);
  st.bind(9, row.expires_ms).bind(10, joinBlocks(row.proved)).bind(11, row.last_error);
  if (!st.step()) throw StoreError("verification insert returned no id");
  const auto id = st.integer(0);
  st.step();  // finishes the statement
  return id;
}

std::optional<VerificationRow> VerificationStore::find(const std::string& owner,
                                                       const std::string& public_id) {
  auto st = db_.prepare("SELECT " + std::string(kColumns) +
                        " FROM verifications WHERE owner = ?1 AND public_id = ?2");
  st.bind(1, owner).bind(2, public_id);
  if (!st.step()) return std::nullopt;
  return readRow(st);
}

std::vector<VerificationRow> VerificationStore::list(const std::string& owner) {
  auto st = db_.prepare("SELECT " + std::string(kColumns) +
                        " FROM verifications WHERE owner = ?1 ORDER BY created_ms DESC, id DESC");
  st.bind(1, owner);
  return readAll(st);
}

std::vector<VerificationRow> VerificationStore::all() {
  auto st = db_.prepare("SELECT " + std::string(kColumns) + " FROM verifications ORDER BY id");
  return readAll(st);
}

bool VerificationStore::markVerified(const std::string& owner, const std::string& public_id,
                                     const std::string& method,
                                     const std::vector<std::string>& proved,
                                     std::int64_t verified_ms, std::int64_t expires_ms) {
  // RETURNING tells whether a row changed on both backends (no changes() on PostgreSQL).
  auto st = db_.prepare(
      "UPDATE verifications SET status = 'verified', method = ?3, proved = ?4, verified_ms = ?5, "
      "expires_ms = ?6, last_error = '' "
      "WHERE owner = ?1 AND public_id = ?2 AND status = 'pending' AND expires_ms > ?5 "
      "RETURNING id");
  st.bind(1, owner).bind(2, public_id).bind(3, method).bind(4, joinBlocks(proved));
  st.bind(5, verified_ms).bind(6, expires_ms);
  const bool changed = st.step();
  if (changed) st.step();
  return changed;
}

void VerificationStore::setLastError(const std::string& owner, const std::string& public_id,
                                     const std::string& error) {
  auto st =
      db_.prepare("UPDATE verifications SET last_error = ?3 WHERE owner = ?1 AND public_id = ?2");
  st.bind(1, owner).bind(2, public_id).bind(3, error);
  st.step();
}

std::vector<std::string> VerificationStore::provedBlocks(const std::string& owner,
                                                         std::int64_t now_ms) {
  auto st = db_.prepare(
      "SELECT proved FROM verifications WHERE owner = ?1 AND status = 'verified' "
      "AND expires_ms > ?2 ORDER BY id");
  st.bind(1, owner).bind(2, now_ms);
  std::vector<std::string> out;
  while (st.step()) {
    for (auto& block : splitBlocks(st.text(0))) out.push_back(std::move(block));
  }
  return out;
}

std::size_t VerificationStore::deleteEndedBefore(std::int64_t cutoff_ms) {
  auto st = db_.prepare("DELETE FROM verifications WHERE expires_ms < ?1 RETURNING id");
  st.bind(1, cutoff_ms);
  std::size_t removed = 0;
  while (st.step()) ++removed;
  return removed;
}

}  // namespace portlens::store
