// Orders socket records. A sort spec is a comma-separated list of keys, each optionally
// prefixed by '-' for descending: state, local, peer, sport, dport, recvq, sendq, uid, inode,
// process, pid (e.g. "state,-recvq"). Ties keep the kernel's order (stable sort). Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sockets/socket_record.h"

namespace portlens::sockets {

enum class SortKey : std::uint8_t {
  kState,
  kLocal,
  kPeer,
  kSport,
  kDport,
  kRecvQ,
  kSendQ,
  kUid,
  kInode,
  kProcess,
  kPid,
};

struct SortField {
  SortKey key = SortKey::kLocal;
  bool descending = false;
};

// The accepted key names, for help texts and the watch view's key cycle.
const std::vector<std::string_view>& sortKeyNames();
// Throws core::UsageError naming the unknown key.
std::vector<SortField> parseSortSpec(std::string_view spec);
std::string toString(const std::vector<SortField>& spec);
// The order sortSockets() uses: true when `a` goes before `b`.
bool sortsBefore(const SocketRecord& a, const SocketRecord& b, const std::vector<SortField>& spec);
void sortSockets(std::vector<SocketRecord>& records, const std::vector<SortField>& spec);

}  // namespace portlens::sockets
