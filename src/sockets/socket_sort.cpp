#include "sockets/socket_sort.h"

#include <algorithm>
#include <compare>

#include "core/error.h"

namespace portlens::sockets {
namespace {

constexpr std::string_view kNames[] = {"state", "local", "peer",  "sport",   "dport", "recvq",
                                       "sendq", "uid",   "inode", "process", "pid"};

std::string_view firstName(const SocketRecord& r) {
  return r.processes.empty() ? std::string_view{} : r.processes.front().name;
}
std::int32_t firstPid(const SocketRecord& r) {
  return r.processes.empty() ? 0 : r.processes.front().pid;
}

std::weak_ordering compareBy(SortKey key, const SocketRecord& a, const SocketRecord& b) {
  switch (key) {
    case SortKey::kState:
      return toString(a.state) <=> toString(b.state);
    case SortKey::kLocal:
      if (auto c = a.local <=> b.local; c != 0) return c;
      return a.local_port <=> b.local_port;
    case SortKey::kPeer:
      if (auto c = a.peer <=> b.peer; c != 0) return c;
      return a.peer_port <=> b.peer_port;
    case SortKey::kSport:
      return a.local_port <=> b.local_port;
    case SortKey::kDport:
      return a.peer_port <=> b.peer_port;
    case SortKey::kRecvQ:
      return a.recv_q <=> b.recv_q;
    case SortKey::kSendQ:
      return a.send_q <=> b.send_q;
    case SortKey::kUid:
      return a.uid <=> b.uid;
    case SortKey::kInode:
      return a.inode <=> b.inode;
    case SortKey::kProcess:
      return firstName(a) <=> firstName(b);
    case SortKey::kPid:
      return firstPid(a) <=> firstPid(b);
  }
  return std::weak_ordering::equivalent;
}

}  // namespace

const std::vector<std::string_view>& sortKeyNames() {
  static const std::vector<std::string_view> names(std::begin(kNames), std::end(kNames));
  return names;
}

std::vector<SortField> parseSortSpec(std::string_view spec) {
  std::vector<SortField> fields;
  while (true) {
    const auto comma = std::min(spec.find(','), spec.size());
    std::string_view item = spec.substr(0, comma);
    SortField field;
    if (!item.empty() && item.front() == '-') {
      field.descending = true;
      item.remove_prefix(1);
    }
    const auto* it = std::find(std::begin(kNames), std::end(kNames), item);
    if (it == std::end(kNames)) {
      throw core::UsageError("--sort: unknown key '" + std::string(item) +
                             "' (state, local, peer, sport, dport, recvq, sendq, uid, inode, "
                             "process, pid)");
    }
    field.key = static_cast<SortKey>(it - std::begin(kNames));
    fields.push_back(field);
    if (comma == spec.size()) break;
    spec.remove_prefix(comma + 1);
  }
  return fields;
}

std::string toString(const std::vector<SortField>& spec) {
  std::string text;
  for (const SortField& field : spec) {
    if (!text.empty()) text += ',';
    if (field.descending) text += '-';
    text += kNames[static_cast<int>(field.key)];
  }
  return text;
}

bool sortsBefore(const SocketRecord& a, const SocketRecord& b, const std::vector<SortField>& spec) {
  for (const SortField& field : spec) {
    const auto c = compareBy(field.key, a, b);
    if (c != 0) return field.descending ? c > 0 : c < 0;
  }
  return false;
}

void sortSockets(std::vector<SocketRecord>& records, const std::vector<SortField>& spec) {
  if (spec.empty()) return;
  std::stable_sort(
      records.begin(), records.end(),
      [&spec](const SocketRecord& a, const SocketRecord& b) { return sortsBefore(a, b, spec); });
}

}  // namespace portlens::sockets
