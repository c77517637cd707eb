#include "cli/local_ports.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/error.h"
#include "core/unique_fd.h"
#include "registry/port_query.h"
#include "sockets/netns.h"

namespace portlens::cli {
namespace {

int bindOne(int family, std::uint16_t port) {
  core::UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return errno == EAFNOSUPPORT ? 0 : errno;
  int rc = 0;
  if (family == AF_INET) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address));
  } else {
    // v6only, so the IPv4 probe and this one each test their own family.
    const int one = 1;
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address));
  }
  return rc == 0 ? 0 : errno;
}

}  // namespace

void addNetnsOption(CLI::App& command, std::string& netns) {
  command.add_option("-N,--netns", netns,
                     "Look into network namespace NAME (/run/netns/NAME) or a path "
                     "(/proc/PID/ns/net); needs root");
}

void enterNetnsIfAny(const std::string& netns) {
  if (!netns.empty()) sockets::enterNetns(netns);
}

std::optional<std::string> readProcFile(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::optional<registry::EphemeralRange> ephemeralRange() {
  if (const auto text = readProcFile("/proc/sys/net/ipv4/ip_local_port_range")) {
    const auto parsed = registry::parseEphemeralRange(*text);
    if (const auto* range = std::get_if<registry::EphemeralRange>(&parsed)) return *range;
  }
  return std::nullopt;
}

registry::EphemeralRange ephemeralRangeOrDefault() {
  return ephemeralRange().value_or(registry::EphemeralRange{32768, 60999});
}

sockets::PortRanges reservedPorts() {
  const auto text = readProcFile("/proc/sys/net/ipv4/ip_local_reserved_ports");
  if (!text) return {};
  try {
    return sockets::parseReservedPorts(*text);
  } catch (const core::UsageError&) {
    return {};
  }
}

std::vector<std::uint16_t> resolvePortArguments(const std::vector<std::string>& tokens,
                                                const registry::PortRegistry& registry) {
  std::vector<std::uint16_t> ports;
  for (const std::string& token : tokens) {
    const registry::PortQuery query = registry::parsePortQuery(token);
    const auto resolved = registry::resolvePortQuery(registry, query);
    if (resolved.empty()) throw core::UsageError("unknown TCP service name '" + token + "'");
    for (std::uint16_t port : resolved) {
      if (std::find(ports.begin(), ports.end(), port) == ports.end()) ports.push_back(port);
    }
  }
  return ports;
}

int bindProbe(std::uint16_t port) {
  if (const int error = bindOne(AF_INET, port); error != 0) return error;
  return bindOne(AF_INET6, port);
}

sockets::Filter localPortFilter(const std::vector<std::uint16_t>& ports) {
  const auto [lowest, highest] = std::minmax_element(ports.begin(), ports.end());
  // The filter language is the one way to build a Filter; the top-level bounds are what
  // kernelPortConditions() hands to the kernel, the "or" list runs here.
  std::string text = fmt::format("sport >= {} and sport <= {} and (", *lowest, *highest);
  for (std::size_t i = 0; i < ports.size(); ++i) {
    fmt::format_to(std::back_inserter(text), "{}sport = {}", i ? " or " : "", ports[i]);
  }
  return sockets::parseFilter(text + ')');
}

void addPortsOptions(CLI::App& command, PortsOptions& options) {
  command.add_option("PORT", options.ports, "Port numbers or service names")->required();
  command.add_option("--format", options.format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  addNetnsOption(command, options.netns);
}

PortsRequest buildPortsRequest(const PortsOptions& options,
                               const registry::PortRegistry& registry) {
  return {resolvePortArguments(options.ports, registry), options.format == "json", options.netns};
}

void printNotes(const std::vector<std::string>& notes) {
  for (const std::string& note : notes) std::cerr << "portlens: " << note << '\n';
}

}  // namespace portlens::cli
