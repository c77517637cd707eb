// Which processes hold which sockets: one pass over /proc/*/fd per refresh. For every process
// directory the fd entries are read with readlinkat only (no stat); links that read
// "socket:[INODE]" are kept as (inode, pid, fd). comm and cmdline are read once per pid, and
// only for pids that hold a socket. Cost: O(processes + fds), then O(log n) per socket.
// Not thread-safe while scanning; read-only (shareable) afterwards. ProcessRefs handed out by
// attach() point into this map and stay valid while it lives.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sockets/socket_record.h"

namespace portlens::sockets {

// "socket:[12345]" -> 12345; nullopt for any other link text (pipes, files, anon inodes).
std::optional<std::uint64_t> socketInodeFromLink(std::string_view link);
// /proc/PID/cmdline content (NUL-separated arguments) -> arguments joined by single spaces.
std::string joinCmdline(std::string_view raw);

class ProcessScan;

class ProcessMap {
 public:
  // Scans `proc_root` (normally "/proc"). Never throws for vanished or unreadable processes:
  // those whose fd directory is refused (other users' without root) are counted in
  // unreadableProcesses(); those that exited during the scan are skipped.
  static ProcessMap scan(const std::string& proc_root = "/proc");

  // Fills SocketRecord::processes for every record whose inode some process holds.
  void attach(std::vector<SocketRecord>& records) const;

  std::size_t unreadableProcesses() const { return unreadable_; }
  std::size_t processCount() const { return scanned_; }

 private:
  friend class ProcessScan;
  struct Owner {
    std::uint64_t inode;
    std::int32_t pid;
    std::int32_t fd;
  };
  struct Process {
    std::int32_t pid = 0;
    std::string name;
    std::string cmdline;
  };
  const Process* find(std::int32_t pid) const;

  std::vector<Owner> owners_;       // sorted by (inode, pid, fd)
  std::vector<Process> processes_;  // sorted by pid; only pids that own a socket
  std::size_t unreadable_ = 0;
  std::size_t scanned_ = 0;
};

// One /proc walk shared by several threads: the constructor lists the pids, every thread that
// calls work() claims pids until none is left (so a thread that finishes its own job early,
// like the netlink dump, joins in), and finish() merges once every work() has returned.
class ProcessScan {
 public:
  explicit ProcessScan(const std::string& proc_root = "/proc");
  ~ProcessScan();
  ProcessScan(const ProcessScan&) = delete;
  ProcessScan& operator=(const ProcessScan&) = delete;

  void work();  // thread-safe
  ProcessMap finish();

 private:
  int proc_fd_ = -1;
  std::vector<std::int32_t> pids_;
  std::atomic<std::size_t> next_{0};
  std::mutex mutex_;  // guards map_
  ProcessMap map_;
};

}  // namespace portlens::sockets
