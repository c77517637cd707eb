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
  std::size_t size() const { return bits_.count(); }
  bool empty() const { return bits_.none(); }
  std::uint16_t at(std::size_t index) const { return ports()[index]; }
  const std::vector<std::uint16_t>& ports() const;

  // Compact nmap-style text, e.g. "1-1024,3306,8080-8081".
  std::string toString() const;

 private:
  std::bitset<65536> bits_;
  // Ascending list derived from bits_ on first use after a change, so building a set from
  // many tokens costs one pass, not one per token.
  mutable std::vector<std::uint16_t> ports_;
  mutable bool ports_stale_ = false;
};

}  // namespace portlens::core
