// Frames captured in the lab (tests/data/packets/*.hex: hex bytes, '#' comments).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace portlens::net::testing {

std::vector<std::uint8_t> loadFrame(const std::string& name);

}  // namespace portlens::net::testing
