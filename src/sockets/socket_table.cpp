#include "sockets/socket_table.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <system_error>
#include <thread>

#include "sockets/sources/netlink_diag.h"
#include "sockets/sources/procfs.h"

namespace portlens::sockets {

Table readTable(const TableOptions& options, const Filter& filter) {
  Table table;
  const bool want_processes = options.processes || filter.needsProcesses();
  const StateMask states = filter.possibleStates(options.states);

  // The /proc/*/fd walk and the kernel dump are independent; overlapping them hides the
  // shorter one. Both are read in this process's pid namespace and the thread's netns.
  // jthread: joined on every exit path, before `scan` (declared first) goes away.
  std::optional<ProcessScan> scan;
  std::jthread scanner;
  if (want_processes) {
    scan.emplace();
    scanner = std::jthread([&scan] { scan->work(); });
  }
  try {
    if (options.force_procfs) throw std::system_error(ENOSYS, std::generic_category(), "forced");
    table.records = dumpNetlink(states, nullptr, filter.kernelPortConditions());
  } catch (const std::system_error& e) {
    if (!options.force_procfs) {
      table.notes.push_back(
          fmt::format("netlink sock_diag unavailable ({}); read /proc/net/tcp*", e.what()));
    }
    table.records = readProcNetTcp(states);
  }
  // A filter that does not look at processes goes first, so only shown sockets get theirs
  // attached (and counted in the note below).
  const auto rejected = [&filter](const SocketRecord& r) { return !filter.matches(r); };
  const bool filter_first = !filter.empty() && !filter.needsProcesses();
  if (filter_first) std::erase_if(table.records, rejected);
  if (want_processes) {
    scan->work();  // the dump is done: help with the pids still unclaimed
    scanner.join();
    table.process_map = scan->finish();
    table.process_map.attach(table.records);
    if (table.process_map.unreadableProcesses() > 0) {
      const auto orphans =
          std::count_if(table.records.begin(), table.records.end(),
                        [](const SocketRecord& r) { return r.inode != 0 && r.processes.empty(); });
      table.notes.push_back(fmt::format(
          "{} processes could not be inspected{}; {} socket(s) shown without their process",
          table.process_map.unreadableProcesses(),
          ::geteuid() == 0 ? "" : " (run as root to see them all)", orphans));
    }
  }
  if (!filter.empty() && !filter_first) std::erase_if(table.records, rejected);
  return table;
}

}  // namespace portlens::sockets
