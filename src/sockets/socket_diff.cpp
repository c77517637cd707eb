#include "sockets/socket_diff.h"

#include <algorithm>
#include <tuple>

namespace portlens::sockets {
namespace {

auto keyOf(const SocketRecord& r) { return std::tie(r.local, r.local_port, r.peer, r.peer_port); }

struct Indexed {
  const SocketRecord* record;
  bool seen;
};

}  // namespace

std::vector<DiffRow> diffSockets(const std::vector<SocketRecord>& before,
                                 const std::vector<SocketRecord>& after) {
  // Sorted pointers instead of a hash map: the tuple has no std::hash, and n log n is far
  // below the cost of reading the table.
  std::vector<Indexed> old_rows;
  old_rows.reserve(before.size());
  for (const SocketRecord& r : before) old_rows.push_back({&r, false});
  const auto less = [](const Indexed& a, const Indexed& b) {
    return keyOf(*a.record) < keyOf(*b.record);
  };
  std::sort(old_rows.begin(), old_rows.end(), less);

  std::vector<DiffRow> rows;
  rows.reserve(after.size());
  for (const SocketRecord& r : after) {
    DiffRow row{r, RowChange::kNew};
    const Indexed probe{&r, false};
    auto it = std::lower_bound(old_rows.begin(), old_rows.end(), probe, less);
    if (it != old_rows.end() && keyOf(*it->record) == keyOf(r)) {
      it->seen = true;
      const SocketRecord& old = *it->record;
      row.change = old.state != r.state || old.recv_q != r.recv_q || old.send_q != r.send_q
                       ? RowChange::kChanged
                       : RowChange::kSame;
    }
    rows.push_back(std::move(row));
  }
  for (const SocketRecord& r : before) {
    const Indexed probe{&r, false};
    auto it = std::lower_bound(old_rows.begin(), old_rows.end(), probe, less);
    // Duplicated keys (rare: a listener and a request socket) count as seen once matched.
    if (it != old_rows.end() && !it->seen && keyOf(*it->record) == keyOf(r)) {
      it->seen = true;
      rows.push_back({r, RowChange::kGone});
    }
  }
  return rows;
}

}  // namespace portlens::sockets
