#include "policy/policy_writer.h"

#include <yaml-cpp/yaml.h>

#include <string_view>

namespace portlens::policy {
namespace {

// Peer-supplied names may hold anything; YAML scalars must be valid UTF-8 printable text.
std::string printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  return out;
}

void writePort(YAML::Emitter& out, const DraftPort& port, bool local) {
  out << YAML::BeginMap;
  out << YAML::Key << "port" << YAML::Value << port.port;
  if (!port.service.empty()) {
    out << YAML::Key << "service" << YAML::Value << YAML::DoubleQuoted << printable(port.service);
  }
  if (!port.tunnel.empty()) out << YAML::Key << "tunnel" << YAML::Value << port.tunnel;
  if (local && !port.process.empty()) {
    out << YAML::Key << "process" << YAML::Value << YAML::DoubleQuoted << printable(port.process);
  }
  out << YAML::Key << "owner" << YAML::Value << YAML::DoubleQuoted << "";
  out << YAML::Key << "purpose" << YAML::Value << YAML::DoubleQuoted << ""
      << YAML::Comment("TODO: who needs this port, and why");
  out << YAML::EndMap;
}

}  // namespace

std::string writeDraftPolicy(const std::vector<DraftHost>& hosts, const std::string& header) {
  YAML::Emitter out;
  if (!header.empty()) out << YAML::Comment(printable(header));
  out << YAML::BeginMap << YAML::Key << "hosts" << YAML::Value << YAML::BeginSeq;
  for (const DraftHost& host : hosts) {
    out << YAML::BeginMap << YAML::Key << "match" << YAML::Value;
    if (host.local) {
      out << "local";
    } else {
      out << host.ip.toString();
    }
    if (!host.hostname.empty()) out << YAML::Comment(printable(host.hostname));
    out << YAML::Key << "ports" << YAML::Value << YAML::BeginSeq;
    for (const DraftPort& port : host.ports) writePort(out, port, host.local);
    out << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace portlens::policy
