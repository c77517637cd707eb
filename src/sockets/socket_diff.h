// Compares two reads of the socket table for the live view: which rows are new, which
// changed (state or queues), which are gone. Rows are keyed by their 4-tuple, so an
// established connection that moves to TIME_WAIT is one changed row. Pure.
#pragma once

#include <cstdint>
#include <vector>

#include "sockets/socket_record.h"

namespace portlens::sockets {

enum class RowChange : std::uint8_t { kSame, kNew, kChanged, kGone };

struct DiffRow {
  SocketRecord record;  // for kGone: the record as last seen (its ProcessRefs point into the
                        // previous table's process map, which the caller keeps alive)
  RowChange change = RowChange::kSame;
};

// `after`'s rows in their order, each marked, then the gone rows in `before`'s order.
std::vector<DiffRow> diffSockets(const std::vector<SocketRecord>& before,
                                 const std::vector<SocketRecord>& after);

}  // namespace portlens::sockets
