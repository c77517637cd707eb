#include "cli/policy_files.h"

#include <fmt/core.h>
#include <pwd.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <map>

#include "cli/local_ports.h"
#include "core/error.h"
#include "net/resolver.h"
#include "policy/policy_parser.h"
#include "sockets/socket_table.h"

namespace portlens::cli {
namespace {

// The user name of `uid`, or the number as text when it has none (as ps shows it).
std::string userName(std::uint32_t uid, std::map<std::uint32_t, std::string>& cache) {
  if (auto it = cache.find(uid); it != cache.end()) return it->second;
  std::string name = std::to_string(uid);
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    name = found->pw_name;
  }
  cache.emplace(uid, name);
  return name;
}

}  // namespace

std::string readWholeFile(const std::string& path, std::size_t max_bytes, const char* what) {
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) throw core::UsageError(fmt::format("cannot read {} '{}'", what, path));
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::string text;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      throw core::UsageError(fmt::format("{} '{}' is larger than {} bytes", what, path, max_bytes));
    }
  }
  if (in.bad()) throw core::UsageError(fmt::format("cannot read {} '{}'", what, path));
  return text;
}

policy::PortPolicy loadPolicy(const std::string& path, bool resolve) {
  const std::string text = readWholeFile(path, policy::kMaxPolicyBytes, "policy file");
  policy::PortPolicy policy = policy::parsePolicy(text, path);
  if (resolve) policy::resolvePolicyHostnames(policy, net::resolveHostname);
  return policy;
}

results::ScanResult loadResult(const std::string& path) {
  return results::readScanResult(readWholeFile(path, results::kMaxResultBytes, "result file"),
                                 path);
}

std::vector<policy::Listener> readListeners(bool notes) {
  sockets::TableOptions options;
  options.states = sockets::stateBit(sockets::TcpState::kListen);
  options.processes = true;
  const sockets::Table table = sockets::readTable(options, sockets::Filter{});
  if (notes) printNotes(table.notes);
  std::map<std::uint32_t, std::string> users;
  std::vector<policy::Listener> listeners;
  listeners.reserve(table.records.size());
  for (const sockets::SocketRecord& record : table.records) {
    policy::Listener listener;
    listener.ip = record.local;
    listener.port = record.local_port;
    if (!record.processes.empty()) {
      const sockets::ProcessRef& holder = record.processes.front();
      listener.process =
          policy::ProcessInfo{holder.pid, std::string(holder.name), userName(record.uid, users)};
    }
    listeners.push_back(std::move(listener));
  }
  return listeners;
}

}  // namespace portlens::cli
