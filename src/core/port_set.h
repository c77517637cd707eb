// A set of TCP ports (0..65535) with stable ascending indexing for scan order.
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

namespace portlens::core {

class PortSet {
 public:
  PortSet() = default;
  static PortSet range(std::uint16_t first, std::uint16_t last);

  void add(std::uint16_t port);
  void add(std::uint16_t first, std::uint16_t last);
  void addAll(const PortSet& other);
  void remove(std::uint16_t port);

  bool contains(std::uint16_t port) const { return bits_.test(port); }
  std::size_t size() const { return ports_.size(); }
  bool empty() const { return ports_.empty(); }
  std::uint16_t at(std::size_t index) const { return ports_[index]; }
  const std::vector<std::uint16_t>& ports() const { return ports_; }

  // Compact nmap-style text, e.g. "1-1024,3306,8080-8081".
  std::string toString() const;

 private:
  void rebuild();

  std::bitset<65536> bits_;
  std::vector<std::uint16_t> ports_;  // ascending
};

}  // namespace portlens::core
