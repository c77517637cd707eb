// Reads the local TCP socket table once: netlink sock_diag (falling back to /proc/net/tcp*),
// the process map when processes are wanted (scanned on a second thread while the kernel
// dumps), then the filter. Called by cli/ from its main thread, once per refresh; runs in the
// calling thread's network namespace (see netns.h).
// Throws std::system_error only when neither netlink nor /proc/net/tcp can be read. Anything
// that could not be seen is said in Table::notes (one line each) rather than thrown.
#pragma once

#include <string>
#include <vector>

#include "sockets/filter.h"
#include "sockets/process_map.h"
#include "sockets/socket_record.h"

namespace portlens::sockets {

struct TableOptions {
  StateMask states = kConnectedStates;  // before the filter narrows them
  bool processes = false;               // fill SocketRecord::processes
  bool force_procfs = false;            // skip netlink (tests, and kernels without sock_diag)
};

struct Table {
  std::vector<SocketRecord> records;  // filtered; ProcessRefs point into `process_map`
  ProcessMap process_map;
  std::vector<std::string> notes;  // what could not be seen, and why
};

Table readTable(const TableOptions& options, const Filter& filter);

}  // namespace portlens::sockets
