#include "target_policy/verification.h"

#include <algorithm>
#include <cctype>

#include "target_policy/dns_message.h"
#include "target_policy/policy_error.h"
#include "target_policy/special_ranges.h"
#include "target_policy/target_normalize.h"

namespace portlens::target_policy {
namespace {

constexpr unsigned kMaxHostBitsV4 = 8;  // at most 256 addresses
constexpr unsigned kMaxHostBitsV6 = 8;

bool inAny(const std::vector<Cidr>& blocks, const core::IpAddress& first,
           const core::IpAddress& last) {
  return std::any_of(blocks.begin(), blocks.end(),
                     [&](const Cidr& b) { return b.contains(first) && b.contains(last); });
}

void refuseSpecialBlock(const Cidr& block, const std::vector<Cidr>& treat_as_public) {
  if (inAny(treat_as_public, block.first, block.last)) return;
  if (auto special = firstSpecialOverlap(block.first, block.last)) {
    throw PolicyError(Refusal::kForbidden,
                      block.toString() + " is in " + std::string(special->why) + " (" +
                          special->block.toString() + "); it cannot be verified nor scanned");
  }
}

// Letters, digits and hyphens, labels of 1..63, two labels at least, a last label that is not
// all digits (so "10.0.0" is not taken for a name).
bool isHostname(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t labels = 0;
  std::size_t pos = 0;
  bool last_all_digits = false;
  while (pos <= name.size()) {
    auto dot = name.find('.', pos);
    if (dot == std::string_view::npos) dot = name.size();
    auto label = name.substr(pos, dot - pos);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    last_all_digits = true;
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
      if (!std::isdigit(static_cast<unsigned char>(c))) last_all_digits = false;
    }
    ++labels;
    pos = dot + 1;
  }
  return labels >= 2 && !last_all_digits;
}

}  // namespace

std::string VerificationTarget::toString() const { return block ? block->toString() : name; }

VerificationTarget parseVerificationTarget(std::string_view text,
                                           const std::vector<Cidr>& treat_as_public) {
  VerificationTarget target;
  const std::string name = canonicalDnsName(text);
  if (isHostname(name)) {
    target.name = name;
    return target;
  }
  const std::string normalized = normalizeTargetToken(text);  // 0x7f000001 is 127.0.0.1
  auto block = parseCidr(normalized);
  if (!block) {
    throw PolicyError(
        Refusal::kInvalidTarget,
        "'" + std::string(text.substr(0, 80)) + "' is not a hostname, an address or a CIDR block");
  }
  const unsigned host_bits = (block->first.isV4() ? 32 : 128) - block->prefix;
  if (host_bits > (block->first.isV4() ? kMaxHostBitsV4 : kMaxHostBitsV6)) {
    throw PolicyError(Refusal::kInvalidTarget,
                      block->toString() + " is too large to verify (at most 256 addresses)");
  }
  refuseSpecialBlock(*block, treat_as_public);
  target.block = *block;
  return target;
}

void refuseSpecialAddresses(const std::vector<core::IpAddress>& addresses,
                            const std::vector<Cidr>& treat_as_public) {
  for (const auto& address : addresses) {
    refuseSpecialBlock(Cidr{address, address, address.isV4() ? 32u : 128u}, treat_as_public);
  }
}

std::string_view toString(ChallengeStatus status) {
  switch (status) {
    case ChallengeStatus::kPending:
      return "pending";
    case ChallengeStatus::kVerified:
      return "verified";
    case ChallengeStatus::kExpired:
      return "expired";
  }
  return "unknown";
}

void VerificationBook::expire(WallTime now) {
  for (auto it = by_id_.begin(); it != by_id_.end();) {
    auto& c = it->second;
    if (c.status != ChallengeStatus::kExpired && now >= c.expires) {
      c.status = ChallengeStatus::kExpired;
      c.proved.clear();
    }
    // An expired entry stays listed for one challenge lifetime, then goes.
    if (c.status == ChallengeStatus::kExpired && now >= c.expires + challenge_ttl_) {
      it = by_id_.erase(it);
    } else {
      ++it;
    }
  }
}

Challenge VerificationBook::create(const std::string& owner, VerificationTarget target,
                                   std::string id, std::string token, WallTime now) {
  std::lock_guard lock(mutex_);
  expire(now);
  const auto live = std::count_if(by_id_.begin(), by_id_.end(), [&](const auto& entry) {
    return entry.second.owner == owner && entry.second.status != ChallengeStatus::kExpired;
  });
  if (static_cast<std::size_t>(live) >= kMaxPerOwner) {
    throw PolicyError(Refusal::kTooLarge, "at most " + std::to_string(kMaxPerOwner) +
                                              " verifications per token at once");
  }
  Challenge c;
  c.id = std::move(id);
  c.owner = owner;
  c.target = std::move(target);
  c.token = std::move(token);
  c.created = now;
  c.expires = now + challenge_ttl_;
  by_id_[c.id] = c;
  return c;
}

void VerificationBook::restore(Challenge challenge, WallTime now) {
  std::lock_guard lock(mutex_);
  by_id_[challenge.id] = std::move(challenge);
  expire(now);
}

std::optional<Challenge> VerificationBook::find(const std::string& owner, const std::string& id,
                                                WallTime now) {
  std::lock_guard lock(mutex_);
  expire(now);
  auto it = by_id_.find(id);
  if (it == by_id_.end() || it->second.owner != owner) return std::nullopt;
  return it->second;
}

std::vector<Challenge> VerificationBook::list(const std::string& owner, WallTime now) {
  std::lock_guard lock(mutex_);
  expire(now);
  std::vector<Challenge> out;
  for (const auto& [id, c] : by_id_) {
    if (c.owner == owner) out.push_back(c);
  }
  std::sort(out.begin(), out.end(),
            [](const Challenge& a, const Challenge& b) { return a.created > b.created; });
  return out;
}

std::optional<Challenge> VerificationBook::markProved(const std::string& owner,
                                                      const std::string& id, std::string method,
                                                      std::vector<Cidr> proved, WallTime now) {
  std::lock_guard lock(mutex_);
  expire(now);
  auto it = by_id_.find(id);
  if (it == by_id_.end() || it->second.owner != owner ||
      it->second.status != ChallengeStatus::kPending) {
    return std::nullopt;
  }
  auto& c = it->second;
  c.status = ChallengeStatus::kVerified;
  c.method = std::move(method);
  c.proved = std::move(proved);
  c.expires = now + verified_ttl_;
  c.verified = now;
  c.last_error.clear();
  return c;
}

int VerificationBook::takeCheck(const std::string& owner, const std::string& id, WallTime now) {
  std::lock_guard lock(mutex_);
  auto it = by_id_.find(id);
  if (it == by_id_.end() || it->second.owner != owner) return 0;
  auto& last = it->second.last_check;
  if (last != WallTime{} && now < last + kCheckInterval) {
    const auto left = std::chrono::ceil<std::chrono::seconds>(last + kCheckInterval - now);
    return static_cast<int>(left.count());
  }
  last = now;
  return 0;
}

void VerificationBook::markFailed(const std::string& owner, const std::string& id,
                                  std::string why) {
  std::lock_guard lock(mutex_);
  auto it = by_id_.find(id);
  if (it != by_id_.end() && it->second.owner == owner) it->second.last_error = std::move(why);
}

std::vector<Cidr> VerificationBook::verifiedBlocks(const std::string& owner, WallTime now) {
  std::lock_guard lock(mutex_);
  expire(now);
  std::vector<Cidr> out;
  for (const auto& [id, c] : by_id_) {
    if (c.owner == owner && c.status == ChallengeStatus::kVerified) {
      out.insert(out.end(), c.proved.begin(), c.proved.end());
    }
  }
  return out;
}

}  // namespace portlens::target_policy
