// SipHash-2-4 (Aumasson and Bernstein): a keyed 64-bit hash that is fast on short inputs and
// unpredictable without the key, which is what a stateless scanner's cookie needs. Pure.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace portlens::scan {

using SipKey = std::array<std::uint64_t, 2>;

std::uint64_t sipHash24(const SipKey& key, std::span<const std::uint8_t> data);

}  // namespace portlens::scan
