// Which probes to send to one port, in nmap's order:
//   1. the NULL probe (send nothing, read the banner) for TCP;
//   2. the probes whose `ports` (plain) or `sslports` (inside TLS) name the port, whatever
//      their rarity;
//   3. the other probes of the protocol with rarity <= intensity (0-9);
// each group in file order (the file lists probes from most to least useful). After a soft
// match for service S, only probes that can still give a hard match for S are sent (their own
// rules or their fallbacks'), except at intensity 9 (--version-all) as in nmap. Ports named
// by the file's Exclude directive get no probes at all (unless all_ports).
// Pure; one ProbePlanner per port, used by that port's state machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detect/probe_database.h"

namespace portlens::detect {

enum class Tunnel { kNone, kSsl };

inline constexpr int kDefaultIntensity = 7;
inline constexpr int kMaxIntensity = 9;

struct PlanQuery {
  std::uint16_t port = 0;
  Tunnel tunnel = Tunnel::kNone;
  int intensity = kDefaultIntensity;  // clamped to 0-9
  Protocol protocol = Protocol::kTcp;
  bool all_ports = false;  // nmap's --allports: probe ports the file's Exclude names too
};

bool isPortExcluded(const ProbeDatabase& db, std::uint16_t port, Protocol protocol);

// The full order for the port with nothing learnt yet (empty when the port is excluded).
std::vector<std::size_t> orderProbes(const ProbeDatabase& db, const PlanQuery& query);

// Whether `probe`'s own rules hold a hard match for `service`: the softmatch narrowing test,
// as nmap's serviceIsPossible makes it. Fallbacks do not count: every probe falls back to the
// NULL probe, whose banner rules would let every probe through (a soft ssh match then narrowed
// nothing and nmap's own file took 38 s on one trickling port).
bool probeCanConfirm(const ProbeDatabase& db, std::size_t probe, std::string_view service);

class ProbePlanner {
 public:
  ProbePlanner(const ProbeDatabase& db, const PlanQuery& query);

  // The next probe to send, or nothing when the plan is exhausted.
  std::optional<std::size_t> next();
  // A soft match was found: later probes are narrowed to those that can confirm `service`.
  // The first soft match sticks, as in nmap.
  void noteSoftMatch(std::string_view service);
  const std::optional<std::string>& softService() const { return soft_service_; }

 private:
  const ProbeDatabase& db_;
  int intensity_;
  std::vector<std::size_t> order_;
  std::size_t position_ = 0;
  std::optional<std::string> soft_service_;
};

}  // namespace portlens::detect
