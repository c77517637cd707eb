#include "cli/syn_scan.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>
#include <system_error>

#include "cli/signals.h"
#include "core/error.h"
#include "net/privileges.h"
#include "net/unique_fd.h"
#include "scan/cookie.h"
#include "scan/syn/raw_setup.h"
#include "scan/syn/resume_file.h"
#include "scan/syn/route_plan.h"
#include "scan/syn/syn_engine.h"
#include "scan/target_space.h"

namespace portlens::cli {
namespace {

constexpr std::uint64_t kSlashEight = std::uint64_t{1} << 24;

scan::Shard shardOf(const ScanOptions& options) {
  if (options.shard.empty()) return {};
  auto shard = scan::parseShard(options.shard);
  if (!shard) {
    throw core::UsageError(
        fmt::format("--shard '{}': expected K/N with 1 <= K <= N", options.shard));
  }
  return *shard;
}

scan::syn::RouteOverrides overridesOf(const ScanOptions& options) {
  scan::syn::RouteOverrides overrides;
  overrides.interface = options.interface;
  for (const auto& text : options.source_ips) {
    auto address = core::IpAddress::parse(text);
    if (!address) throw core::UsageError(fmt::format("--source-ip '{}' is not an address", text));
    auto& slot = address->isV4() ? overrides.source_ipv4 : overrides.source_ipv6;
    if (slot) throw core::UsageError("--source-ip given twice for one address family");
    slot = *address;
  }
  if (!options.router_mac.empty()) {
    overrides.router_mac = scan::syn::parseMac(options.router_mac);
    if (!overrides.router_mac) {
      throw core::UsageError(
          fmt::format("--router-mac '{}': expected aa:bb:cc:dd:ee:ff", options.router_mac));
    }
  }
  return overrides;
}

// The resume file is opened before privileges are dropped (the scan may not be able to
// create it afterwards). An empty file means "start from the beginning".
struct ResumeFile {
  net::UniqueFd fd;
  std::optional<scan::syn::ResumePoint> point;
};

ResumeFile openResume(const std::string& path, const scan::syn::ScanFingerprint& fingerprint) {
  ResumeFile file;
  if (path.empty()) return file;
  file.fd.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!file.fd.valid()) throw core::UsageError(fmt::format("--resume: cannot open '{}'", path));
  std::string bytes;
  char buffer[65536];
  for (ssize_t got; (got = ::read(file.fd.get(), buffer, sizeof buffer)) > 0;) {
    bytes.append(buffer, static_cast<std::size_t>(got));
  }
  if (bytes.empty()) return file;
  std::string error;
  file.point = scan::syn::decodeResume(bytes, fingerprint, error);
  if (!file.point) throw core::UsageError(fmt::format("--resume '{}': {}", path, error));
  return file;
}

void rewrite(const net::UniqueFd& fd, const std::string& bytes) {
  if (::ftruncate(fd.get(), 0) != 0 || ::lseek(fd.get(), 0, SEEK_SET) != 0) {
    throw std::system_error(errno, std::generic_category(), "rewriting the resume file");
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t wrote = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (wrote < 0)
      throw std::system_error(errno, std::generic_category(), "writing the resume file");
    done += static_cast<std::size_t>(wrote);
  }
}

}  // namespace

void checkSynScanSize(const ScanOptions& options, const core::TargetSet& targets,
                      const core::PortSet& ports) {
  const std::uint64_t hosts = targets.size();
  if (hosts > kSlashEight && options.exclude.empty() && options.exclude_file.empty()) {
    throw core::UsageError(fmt::format(
        "{} target hosts is more than a /8; a scan this large needs an exclude list "
        "(--exclude-file data/exclude-special.txt skips the IANA special-purpose ranges)",
        hosts));
  }
  scan::TargetSpace::checkSize(hosts, ports.size());
}

void printDryRun(const ScanOptions& options, const scan::ScanConfig& config,
                 const core::TargetSet& targets, const core::PortSet& ports, core::Clock& clock,
                 std::ostream& out) {
  net::NetlinkRouteSource routes(clock);
  const auto paths = scan::syn::resolvePaths(targets, overridesOf(options), false, routes);
  const scan::Shard shard = shardOf(options);
  const scan::TargetSpace space(targets, ports, config.seed);
  // Cookies need a secret; a dry run shows their shape with a fixed one.
  const scan::CookieJar cookies(scan::SipKey{config.seed, 0x6472792d72756eULL});
  const std::uint16_t source_port = options.source_port.value_or(61000);
  out << fmt::format("# dry run: {} probes in shard {}/{} of {}; nothing is sent\n",
                     shard.size(space.size()), shard.index, shard.count, space.size());
  out << "#position\tip\tport\tsource_ip\tsource_port\tcookie\n";
  std::string text;
  for (std::uint64_t ordinal = 0; ordinal < shard.size(space.size()); ++ordinal) {
    const std::uint64_t position = shard.position(ordinal);
    const scan::ProbeTarget target = space.at(position);
    const core::IpAddress address = targets.at(target.host_index);
    const core::IpAddress source =
        address.isV4() ? paths.ipv4->origin.source : paths.ipv6->origin.source;
    const std::uint16_t port = ports.at(target.port_index);
    text += fmt::format("{}\t{}\t{}\t{}\t{}\t{:08x}\n", position, address.toString(), port,
                        source.toString(), source_port,
                        cookies.cookie(source, address, source_port, port));
    if (text.size() > (1 << 16)) {
      out << text;
      text.clear();
    }
  }
  out << text;
}

scan::ScanSummary runSynScanCommand(const SynRunInput& input, output::Formatter& formatter,
                                    const std::set<scan::PortState>& shown) {
  const ScanOptions& options = input.options;
  // A bad --shard is a usage error before anything else happens.
  const auto shard = shardOf(options);
  scan::syn::RawScan raw;
  try {
    raw = scan::syn::prepareRawScan(input.targets, overridesOf(options), shard, options.source_port,
                                    input.clock);
  } catch (const std::system_error& e) {
    if (e.code().value() == EPERM) {
      throw core::UsageError(
          "--syn needs raw sockets: run as root or give the binary CAP_NET_RAW "
          "(setcap cap_net_raw+ep), or use --connect");
    }
    throw;
  }
  const scan::syn::SynPlan& plan = raw.plan;
  const auto fingerprint =
      scan::syn::fingerprintOf(input.config.seed, plan.shard, input.targets, input.ports);
  ResumeFile resume = openResume(options.resume_file, fingerprint);

  // Every socket and file is open: from here on no privilege is needed, and none is kept
  // while bytes from the network are parsed.
  net::dropPrivileges();
  if (input.after_privilege_drop) input.after_privilege_drop();

  StopSignal stop;              // after the drop: its thread must not keep any capability either
  formatter.begin(input.info);  // only now: every refusal above leaves no half-written output
  ScanReporter reporter(formatter, shown, !options.quiet && isatty(STDERR_FILENO) == 1);
  const auto result =
      scan::syn::runSynScan(input.config, plan, input.targets, input.ports, *raw.io, input.clock,
                            reporter, stop.flag(), resume.point ? &*resume.point : nullptr);
  reporter.clearProgress();
  if (options.verbose) {
    std::cerr << fmt::format(
        "portlens: SYN scan: {} rounds, {} probes, first round {:.0f} probes/s, {} duplicate "
        "answers, rate at the end {:.0f}/s\n",
        result.rounds, result.summary.probes_sent, result.first_round_rate, result.duplicates,
        result.final_rate);
  }
  if (resume.fd.valid()) {
    if (result.summary.interrupted) {
      rewrite(resume.fd, scan::syn::encodeResume(fingerprint, result.resume));
      if (!options.quiet) {
        std::cerr << fmt::format(
            "portlens: interrupted; run the same command again to resume "
            "from '{}'\n",
            options.resume_file);
      }
    } else {
      rewrite(resume.fd, "");  // done: nothing left to resume
    }
  }
  return result.summary;
}

}  // namespace portlens::cli
