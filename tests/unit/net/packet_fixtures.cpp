#include "packet_fixtures.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace portlens::net::testing {

std::vector<std::uint8_t> loadFrame(const std::string& name) {
  std::ifstream in(std::string(PORTLENS_PACKET_DIR) + "/" + name + ".hex");
  if (!in) throw std::runtime_error("missing fixture " + name);
  std::vector<std::uint8_t> bytes;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string word;
    while (words >> word) bytes.push_back(static_cast<std::uint8_t>(std::stoul(word, nullptr, 16)));
  }
  return bytes;
}

}  // namespace portlens::net::testing
