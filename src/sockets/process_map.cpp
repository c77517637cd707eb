#include "sockets/process_map.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <tuple>

#include "core/unique_fd.h"

namespace portlens::sockets {
namespace {

std::optional<std::int32_t> parsePid(const char* name) {
  std::int32_t pid = 0;
  const char* end = name + std::strlen(name);
  const auto [ptr, ec] = std::from_chars(name, end, pid);
  if (ec != std::errc() || ptr != end || pid <= 0) return std::nullopt;
  return pid;
}

// Reads a small /proc file relative to `dir_fd`; empty when it cannot be read.
std::string readSmall(int dir_fd, const char* name) {
  core::UniqueFd fd(::openat(dir_fd, name, O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return {};
  std::string text;
  char buffer[4096];
  ssize_t got = 0;
  while ((got = ::read(fd.get(), buffer, sizeof(buffer))) > 0) {
    text.append(buffer, static_cast<std::size_t>(got));
  }
  return text;
}

enum class FdScan : std::uint8_t { kRead, kGone, kDenied };

// Appends (inode, pid, fd) for every socket fd of one process. kDenied: another user's process
// without root; kGone: the process exited since /proc was listed (its sockets went with it).
template <typename Owner>
FdScan scanFds(int proc_fd, std::int32_t pid, std::vector<Owner>& owners) {
  char path[32];
  std::snprintf(path, sizeof(path), "%d/fd", pid);
  const int fd_dir = ::openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_dir < 0) return errno == EACCES || errno == EPERM ? FdScan::kDenied : FdScan::kGone;
  DIR* dir = ::fdopendir(fd_dir);
  if (dir == nullptr) {
    ::close(fd_dir);
    return FdScan::kGone;
  }
  char link[64];
  // readdir is safe across threads on distinct streams (glibc); this DIR is the caller's own.
  while (const dirent* entry = ::readdir(dir)) {  // NOLINT(concurrency-mt-unsafe)
    if (entry->d_name[0] == '.') continue;
    // Socket links are short ("socket:[4026531993]"); a longer one is a path, not a socket.
    const ssize_t size = ::readlinkat(fd_dir, entry->d_name, link, sizeof(link));
    if (size < 9 || size >= static_cast<ssize_t>(sizeof(link)) || link[0] != 's') continue;
    const auto inode = socketInodeFromLink(std::string_view(link, static_cast<std::size_t>(size)));
    if (!inode) continue;
    std::int32_t fd = 0;
    std::from_chars(entry->d_name, entry->d_name + std::strlen(entry->d_name), fd);
    owners.push_back({*inode, pid, fd});
  }
  ::closedir(dir);
  return FdScan::kRead;
}

}  // namespace

std::optional<std::uint64_t> socketInodeFromLink(std::string_view link) {
  constexpr std::string_view kPrefix = "socket:[";
  if (link.size() <= kPrefix.size() + 1 || link.substr(0, kPrefix.size()) != kPrefix ||
      link.back() != ']') {
    return std::nullopt;
  }
  const std::string_view digits = link.substr(kPrefix.size(), link.size() - kPrefix.size() - 1);
  std::uint64_t inode = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), inode);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return inode;
}

std::string joinCmdline(std::string_view raw) {
  while (!raw.empty() && raw.back() == '\0') raw.remove_suffix(1);
  std::string joined(raw);
  std::replace(joined.begin(), joined.end(), '\0', ' ');
  return joined;
}

ProcessMap ProcessMap::scan(const std::string& proc_root) {
  ProcessScan scan(proc_root);
  scan.work();
  return scan.finish();
}

ProcessScan::ProcessScan(const std::string& proc_root) {
  proc_fd_ = ::open(proc_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (proc_fd_ < 0) return;
  DIR* dir = ::fdopendir(::dup(proc_fd_));
  if (dir == nullptr) return;
  while (const dirent* entry = ::readdir(dir)) {  // NOLINT(concurrency-mt-unsafe): own stream
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    if (const auto pid = parsePid(entry->d_name)) pids_.push_back(*pid);
  }
  ::closedir(dir);
}

ProcessScan::~ProcessScan() {
  if (proc_fd_ >= 0) ::close(proc_fd_);
}

void ProcessScan::work() {
  std::vector<ProcessMap::Owner> owners;
  std::vector<ProcessMap::Process> processes;
  std::size_t unreadable = 0, scanned = 0;
  for (std::size_t i = next_++; i < pids_.size(); i = next_++) {
    const std::int32_t pid = pids_[i];
    const std::size_t before = owners.size();
    const FdScan result = scanFds(proc_fd_, pid, owners);
    if (result != FdScan::kRead) {
      unreadable += result == FdScan::kDenied;
      continue;
    }
    ++scanned;
    if (owners.size() == before) continue;
    ProcessMap::Process process;
    process.pid = pid;
    char path[32];
    std::snprintf(path, sizeof(path), "%d", pid);
    core::UniqueFd pid_dir(::openat(proc_fd_, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (pid_dir.valid()) {
      process.name = readSmall(pid_dir.get(), "comm");
      if (!process.name.empty() && process.name.back() == '\n') process.name.pop_back();
      process.cmdline = joinCmdline(readSmall(pid_dir.get(), "cmdline"));
    }
    processes.push_back(std::move(process));
  }
  const std::lock_guard lock(mutex_);
  map_.owners_.insert(map_.owners_.end(), owners.begin(), owners.end());
  for (auto& process : processes) map_.processes_.push_back(std::move(process));
  map_.unreadable_ += unreadable;
  map_.scanned_ += scanned;
}

ProcessMap ProcessScan::finish() {
  using Owner = ProcessMap::Owner;
  using Process = ProcessMap::Process;
  std::sort(map_.owners_.begin(), map_.owners_.end(), [](const Owner& a, const Owner& b) {
    return std::tie(a.inode, a.pid, a.fd) < std::tie(b.inode, b.pid, b.fd);
  });
  std::sort(map_.processes_.begin(), map_.processes_.end(),
            [](const Process& a, const Process& b) { return a.pid < b.pid; });
  return std::move(map_);
}

const ProcessMap::Process* ProcessMap::find(std::int32_t pid) const {
  const auto it = std::lower_bound(processes_.begin(), processes_.end(), pid,
                                   [](const Process& p, std::int32_t key) { return p.pid < key; });
  return it != processes_.end() && it->pid == pid ? &*it : nullptr;
}

void ProcessMap::attach(std::vector<SocketRecord>& records) const {
  for (SocketRecord& record : records) {
    record.processes.clear();
    if (record.inode == 0) continue;
    auto it = std::lower_bound(owners_.begin(), owners_.end(), record.inode,
                               [](const Owner& o, std::uint64_t key) { return o.inode < key; });
    for (; it != owners_.end() && it->inode == record.inode; ++it) {
      ProcessRef ref;
      ref.pid = it->pid;
      ref.fd = it->fd;
      if (const Process* process = find(it->pid)) {
        ref.name = process->name;
        ref.cmdline = process->cmdline;
      }
      record.processes.push_back(ref);
    }
  }
}

}  // namespace portlens::sockets
