// Verified targets: a token holder who is not an admin proves control of a public host or
// small network (a DNS TXT record or a file on its web server, server/verification_*), and
// may then scan it for a while. This file is the pure part: what may be verified, and the
// book of challenges and proofs. Times are passed in (the server's Clock), so the life cycle
// is unit-tested with a manual clock.
//
// A proof opens addresses, not names: a proved name opens the addresses it resolved to when
// it was proved (through the configured resolver). A scan of that name later resolves it again
// and every address must be among the proved ones (and outside the special ranges), so a name
// whose owner points it elsewhere after the proof (DNS rebinding) opens nothing new.
//
// VerificationBook is thread-safe (one mutex; the HTTP threads share it) and in memory; the
// server writes every change through to the store (store/verification_store) and restores
// the book from it at start, so a restart keeps challenges and proofs. Its size is bounded
// (kMaxPerOwner challenges per token, expired ones dropped as they are met).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "target_policy/cidr.h"

namespace portlens::target_policy {

using WallTime = std::chrono::system_clock::time_point;

// What a holder asks to verify: a hostname, or an address block of at most 256 addresses
// (IPv4 /24 or longer, IPv6 /120 or longer). Address targets are proved over HTTP only: the
// reverse zone of an address is rarely the holder's to edit, and a TXT record under an
// in-addr.arpa name would prove control of the PTR zone, not of the host.
struct VerificationTarget {
  std::string name;           // canonical hostname; "" for an address block
  std::optional<Cidr> block;  // the address block; nullopt for a hostname
  std::string toString() const;
};

// Throws PolicyError: kInvalidTarget (not a hostname, address or CIDR; a block larger than
// 256 addresses), kForbidden (the block overlaps a special range not in `treat_as_public`).
VerificationTarget parseVerificationTarget(std::string_view text,
                                           const std::vector<Cidr>& treat_as_public);

// Throws PolicyError(kForbidden) naming the first address in a special range (outside
// `treat_as_public`): what a name resolved to may not be proved, nor fetched from.
void refuseSpecialAddresses(const std::vector<core::IpAddress>& addresses,
                            const std::vector<Cidr>& treat_as_public);

enum class ChallengeStatus : std::uint8_t { kPending, kVerified, kExpired };
std::string_view toString(ChallengeStatus status);

struct Challenge {
  std::string id;     // random, URL-safe
  std::string owner;  // token name
  VerificationTarget target;
  std::string token;  // random, what the proof must contain
  WallTime created;
  WallTime expires;     // pending: when the challenge lapses; verified: the proof
  WallTime verified{};  // when it was proved
  ChallengeStatus status = ChallengeStatus::kPending;
  std::string method;        // "dns" or "http" once verified
  std::vector<Cidr> proved;  // the addresses the proof opened
  std::string last_error;    // why the last check failed, for the holder
  WallTime last_check{};     // when a check last started
};

class VerificationBook {
 public:
  static constexpr std::size_t kMaxPerOwner = 32;
  // A check sends packets to the target: one per challenge in this interval at most.
  static constexpr std::chrono::seconds kCheckInterval{5};

  VerificationBook(std::chrono::seconds challenge_ttl, std::chrono::seconds verified_ttl)
      : challenge_ttl_(challenge_ttl), verified_ttl_(verified_ttl) {}

  // Throws PolicyError(kTooLarge) when the owner already has kMaxPerOwner live challenges.
  Challenge create(const std::string& owner, VerificationTarget target, std::string id,
                   std::string token, WallTime now);
  // A challenge read back from the store at start, as it was saved (a verified one with its
  // proof); its status is brought to `now` like every other's. Not bounded by kMaxPerOwner.
  void restore(Challenge challenge, WallTime now);
  // The owner's challenge, with its status as of `now`; nullopt for another owner's id.
  std::optional<Challenge> find(const std::string& owner, const std::string& id, WallTime now);
  std::vector<Challenge> list(const std::string& owner, WallTime now);
  // A pending challenge proved: it opens `proved` until now + verified_ttl. nullopt when the
  // challenge is gone or expired (a late proof opens nothing).
  std::optional<Challenge> markProved(const std::string& owner, const std::string& id,
                                      std::string method, std::vector<Cidr> proved, WallTime now);
  // Records a check starting now; returns 0, or the seconds to wait when the previous check
  // of this challenge began less than kCheckInterval ago.
  int takeCheck(const std::string& owner, const std::string& id, WallTime now);
  void markFailed(const std::string& owner, const std::string& id, std::string why);
  // Every block the owner has proved and that is still valid at `now`.
  std::vector<Cidr> verifiedBlocks(const std::string& owner, WallTime now);

 private:
  void expire(WallTime now);  // caller holds mutex_

  std::chrono::seconds challenge_ttl_;
  std::chrono::seconds verified_ttl_;
  std::mutex mutex_;
  std::map<std::string, Challenge> by_id_;
};

}  // namespace portlens::target_policy
