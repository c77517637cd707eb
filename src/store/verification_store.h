// The proofs of target verification (issue 14, "verified targets") and their pending
// challenges, kept so that a restart of `serve` neither forgets a proof nor voids a challenge
// a holder is publishing. The life cycle (what may be verified, when a challenge or proof
// lapses) is target_policy/verification.h's; this is only its rows. Shares the ScanStore's
// connection, like MonitorStore.
//
// Rows are never trusted blindly on load: the server parses `target` again with the current
// policy (server/verification_routes), and expiry is decided against the caller's clock, so a
// proof whose expires_ms has passed opens nothing even before retention removes its row.
//
// Threading: like ScanStore (one thread at a time). Errors throw StoreError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/scan_store.h"

namespace portlens::store {

struct VerificationRow {
  std::int64_t id = 0;             // the row's key
  std::string public_id;           // the id in /api/v1/verifications/{id} (random, URL-safe)
  std::string owner;               // token name
  std::string target;              // canonical: "www.example", "5.6.7.0/30"
  std::string status = "pending";  // "pending" | "verified" (expiry is decided by expires_ms)
  std::string method;              // "" while pending; "dns" | "http"
  std::string token;               // what the proof must contain
  std::int64_t created_ms = 0;
  std::int64_t verified_ms = 0;     // 0 while pending
  std::int64_t expires_ms = 0;      // pending: the challenge lapses; verified: the proof does
  std::vector<std::string> proved;  // CIDR blocks the proof covers, "1.2.3.4/32"
  std::string last_error;           // why the last check failed
};

class VerificationStore {
 public:
  // `scans` owns the connection (and created the table); it must outlive this.
  explicit VerificationStore(ScanStore& scans);

  // Returns the row's id. Throws StoreError when public_id is taken.
  std::int64_t insert(const VerificationRow& row);
  // The owner's row; nullopt for another owner's public_id.
  std::optional<VerificationRow> find(const std::string& owner, const std::string& public_id);
  // The owner's rows, newest first.
  std::vector<VerificationRow> list(const std::string& owner);
  // Every row, oldest first (the server's book is filled from it at start).
  std::vector<VerificationRow> all();
  // A pending challenge proved; false when there is no such pending row (already proved,
  // another owner's) or it lapsed before `verified_ms`.
  bool markVerified(const std::string& owner, const std::string& public_id,
                    const std::string& method, const std::vector<std::string>& proved,
                    std::int64_t verified_ms, std::int64_t expires_ms);
  void setLastError(const std::string& owner, const std::string& public_id,
                    const std::string& error);
  // The blocks `owner` proved that are still valid at `now_ms`.
  std::vector<std::string> provedBlocks(const std::string& owner, std::int64_t now_ms);
  // Removes rows whose challenge or proof ended before `cutoff_ms`; returns how many.
  std::size_t deleteEndedBefore(std::int64_t cutoff_ms);

 private:
  Database& db_;
};

// Creates the table when missing (ScanStore's constructor calls it).
void createVerificationSchema(Database& db);

}  // namespace portlens::store
