#include "cli/syn_scan.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <iostream>
#include <system_error>

#include "core/error.h"
#include "net/route_lookup.h"
#include "scan/cookie.h"
#include "scan/target_space.h"

namespace portlens::cli {
namespace {

constexpr std::uint64_t kSlashEight = std::uint64_t{1} << 24;

void rewrite(const net::UniqueFd& fd, const std::string& bytes) {
  if (::ftruncate(fd.get(), 0) != 0 || ::lseek(fd.get(), 0, SEEK_SET) != 0) {
    throw std::system_error(errno, std::generic_category(), "rewriting the resume file");
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t wrote = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (wrote < 0) {
      throw std::system_error(errno, std::generic_category(), "writing the resume file");
    }
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

void printDryRun(const scan::ScanRequest& request, const core::TargetSet& targets,
                 const core::PortSet& ports, core::Clock& clock, std::ostream& out) {
  net::NetlinkRouteSource routes(clock);
  const auto paths = scan::syn::resolvePaths(targets, request.route_overrides, false, routes);
  const scan::Shard& shard = request.shard;
  const scan::TargetSpace space(targets, ports, request.seed);
  // Cookies need a secret; a dry run shows their shape with a fixed one.
  const scan::CookieJar cookies(scan::SipKey{request.seed, 0x6472792d72756eULL});
  const std::uint16_t source_port = request.source_port.value_or(61000);
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

SynResumeFile::SynResumeFile(const std::string& path, const scan::syn::ScanFingerprint& fingerprint)
    : path_(path), fingerprint_(fingerprint) {
  if (path.empty()) return;
  fd_.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd_.valid()) throw core::UsageError(fmt::format("--resume: cannot open '{}'", path));
  std::string bytes;
  char buffer[65536];
  for (ssize_t got; (got = ::read(fd_.get(), buffer, sizeof buffer)) > 0;) {
    bytes.append(buffer, static_cast<std::size_t>(got));
  }
  if (bytes.empty()) return;
  std::string error;
  point_ = scan::syn::decodeResume(bytes, fingerprint, error);
  if (!point_) throw core::UsageError(fmt::format("--resume '{}': {}", path, error));
}

void SynResumeFile::finish(const scan::syn::SynResult& result, bool quiet) {
  if (!fd_.valid()) return;
  if (!result.summary.interrupted) {
    rewrite(fd_, "");  // done: nothing left to resume
    return;
  }
  rewrite(fd_, scan::syn::encodeResume(fingerprint_, result.resume));
  if (!quiet) {
    std::cerr << fmt::format(
        "portlens: interrupted; run the same command again to resume from '{}'\n", path_);
  }
}

void printSynStatistics(const scan::syn::SynResult& result) {
  std::cerr << fmt::format(
      "portlens: SYN scan: {} rounds, {} probes, first round {:.0f} probes/s, {} duplicate "
      "answers, rate at the end {:.0f}/s\n",
      result.rounds, result.summary.probes_sent, result.first_round_rate, result.duplicates,
      result.final_rate);
}

}  // namespace portlens::cli
