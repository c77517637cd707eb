#include "sockets/process_map.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "test_records.h"

namespace portlens::sockets {
namespace {

namespace fs = std::filesystem;

TEST(ProcessMap, SocketInodeFromLink) {
  EXPECT_EQ(socketInodeFromLink("socket:[12345]"), 12345u);
  EXPECT_EQ(socketInodeFromLink("socket:[0]"), 0u);
  for (const char* other : {"pipe:[123]", "socket:[]", "socket:[12a]", "socket:[123", "/dev/null",
                            "anon_inode:[eventfd]", "socket:[99999999999999999999999]", ""}) {
    EXPECT_FALSE(socketInodeFromLink(other)) << other;
  }
}

TEST(ProcessMap, JoinCmdline) {
  EXPECT_EQ(joinCmdline(std::string_view("nginx\0-g\0daemon off;\0", 22)), "nginx -g daemon off;");
  EXPECT_EQ(joinCmdline(""), "");
}

// A fake /proc: readlinkat reads dangling symlinks just as well as /proc's magic links.
class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("portlens-fakeproc-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    addProcess(100, "nginx", std::string("nginx\0-g\0x\0", 11),
               {{3, "socket:[555]"}, {4, "/var/log/nginx.log"}, {5, "socket:[556]"}});
    addProcess(200, "worker", std::string("worker\0", 7), {{7, "socket:[555]"}, {8, "pipe:[9]"}});
    addProcess(300, "idle", std::string("idle\0", 5), {{0, "/dev/null"}});
    fs::create_directories(root_ / "self");
    fs::create_directories(root_ / "sys");
    fs::create_directories(root_ / "400");  // vanished: no fd directory
  }
  void TearDown() override { fs::remove_all(root_); }

  void addProcess(int pid, const std::string& comm, const std::string& cmdline,
                  const std::vector<std::pair<int, std::string>>& fds) {
    const fs::path dir = root_ / std::to_string(pid);
    fs::create_directories(dir / "fd");
    std::ofstream(dir / "comm") << comm << '\n';
    std::ofstream(dir / "cmdline", std::ios::binary) << cmdline;
    for (const auto& [fd, target] : fds)
      fs::create_symlink(target, dir / "fd" / std::to_string(fd));
  }

  fs::path root_;
};

TEST_F(FakeProc, MapsSocketInodesToEveryOwner) {
  const ProcessMap map = ProcessMap::scan(root_.string());
  EXPECT_EQ(map.processCount(), 3u);
  EXPECT_EQ(map.unreadableProcesses(), 0u);  // pid 400 has exited (no fd dir): not "unseen"

  std::vector<SocketRecord> records{
      testing::record(TcpState::kListen, "0.0.0.0", 80, "0.0.0.0", 0, 555),
      testing::record(TcpState::kEstablished, "127.0.0.1", 80, "127.0.0.1", 5000, 556),
      testing::record(TcpState::kTimeWait, "127.0.0.1", 80, "127.0.0.1", 5001, 0),
      testing::record(TcpState::kEstablished, "127.0.0.1", 81, "127.0.0.1", 5002, 999),
  };
  map.attach(records);
  ASSERT_EQ(records[0].processes.size(), 2u);
  EXPECT_EQ(records[0].processes[0].pid, 100);
  EXPECT_EQ(records[0].processes[0].fd, 3);
  EXPECT_EQ(records[0].processes[0].name, "nginx");
  EXPECT_EQ(records[0].processes[0].cmdline, "nginx -g x");
  EXPECT_EQ(records[0].processes[1].pid, 200);
  EXPECT_EQ(records[0].processes[1].fd, 7);
  EXPECT_EQ(records[0].processes[1].name, "worker");
  ASSERT_EQ(records[1].processes.size(), 1u);
  EXPECT_EQ(records[1].processes[0].fd, 5);
  EXPECT_TRUE(records[2].processes.empty());
  EXPECT_TRUE(records[3].processes.empty());
}

TEST(ProcessMap, MissingRootGivesAnEmptyMap) {
  const ProcessMap map = ProcessMap::scan("/nonexistent-portlens-proc");
  std::vector<SocketRecord> records{
      testing::record(TcpState::kListen, "0.0.0.0", 80, "0.0.0.0", 0, 555)};
  map.attach(records);
  EXPECT_TRUE(records[0].processes.empty());
}

TEST(ProcessMap, FindsThisProcessSocketInTheRealProc) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);  // never connected: no packet
  ASSERT_GE(fd, 0);
  char link[64];
  const auto size = ::readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), link, sizeof(link));
  ASSERT_GT(size, 0);
  const auto inode = socketInodeFromLink(std::string_view(link, static_cast<std::size_t>(size)));
  ASSERT_TRUE(inode);
  const ProcessMap map = ProcessMap::scan();
  std::vector<SocketRecord> records{
      testing::record(TcpState::kClose, "0.0.0.0", 0, "0.0.0.0", 0, *inode)};
  map.attach(records);
  ::close(fd);
  ASSERT_EQ(records[0].processes.size(), 1u);
  EXPECT_EQ(records[0].processes[0].pid, ::getpid());
  EXPECT_EQ(records[0].processes[0].fd, fd);
}

}  // namespace
}  // namespace portlens::sockets
