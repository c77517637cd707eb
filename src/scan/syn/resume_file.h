// The --resume file of a SYN scan: written when a scan is interrupted, read to continue it.
// A short text header (format version, a fingerprint of the scan: seed, shard, targets and
// ports, and the round and position reached) followed by the probe-state words. Resuming
// with different targets, ports, seed or shard is refused. Pure: bytes in, bytes out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "scan/syn/syn_engine.h"

namespace portlens::scan::syn {

// What must be identical between the interrupted run and the resumed one.
struct ScanFingerprint {
  std::uint64_t seed = 0;
  std::string shard;    // "K/N"
  std::string targets;  // a digest of the target set
  std::string ports;    // the compact port list
  friend bool operator==(const ScanFingerprint&, const ScanFingerprint&) = default;
};

ScanFingerprint fingerprintOf(std::uint64_t seed, const Shard& shard,
                              const core::TargetSet& targets, const core::PortSet& ports);

std::string encodeResume(const ScanFingerprint& fingerprint, const ResumePoint& point);
// nullopt with `error` set for anything malformed, truncated or from another scan.
std::optional<ResumePoint> decodeResume(const std::string& bytes, const ScanFingerprint& expected,
                                        std::string& error);

}  // namespace portlens::scan::syn
