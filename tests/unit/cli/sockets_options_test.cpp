// `portlens sockets`: the options become the right table states, filter, sort and format, and
// bad values are refused with the token named, before anything is read.
#include <gtest/gtest.h>

#include "cli/sockets_command.h"
#include "core/error.h"
#include "parse_options.h"

namespace portlens::cli {
namespace {

using sockets::TcpState;

SocketsRequest request(std::vector<std::string> args) {
  const auto options = testing::parseOptions<SocketsOptions>(addSocketsOptions, std::move(args));
  return buildSocketsRequest(options, registry::PortRegistry::builtin());
}

// The message of the UsageError that `args` raise, or "" when they are accepted.
std::string usageError(std::vector<std::string> args) {
  return testing::usageErrorOf([&args] { request(std::move(args)); });
}

TEST(SocketsOptions, DefaultIsConnectedSocketsAsText) {
  const SocketsRequest r = request({});
  EXPECT_EQ(r.table.states, sockets::kConnectedStates);
  EXPECT_FALSE(r.table.processes);
  EXPECT_FALSE(r.table.force_procfs);
  EXPECT_TRUE(r.filter.empty());
  EXPECT_TRUE(r.sort.empty());
  EXPECT_EQ(r.format, sockets::SocketFormat::kText);
  EXPECT_FALSE(r.watch);
  EXPECT_TRUE(r.netns.empty());
}

TEST(SocketsOptions, ListeningWithProcessesAndAStateFilter) {
  const SocketsRequest r = request({"-l", "-p", "state", "established"});
  // -l keeps the kernel to listeners even though the filter names another state.
  EXPECT_EQ(r.table.states, sockets::stateBit(TcpState::kListen));
  EXPECT_TRUE(r.table.processes);
  EXPECT_EQ(r.filter.toString(), "state established");
}

TEST(SocketsOptions, AStateFilterWidensTheDefaultStates) {
  EXPECT_EQ(request({"state time-wait"}).table.states, sockets::kAllStates);
  EXPECT_EQ(request({"dport", "=", "443"}).table.states, sockets::kConnectedStates);
  EXPECT_EQ(request({"-a"}).table.states, sockets::kAllStates);
}

TEST(SocketsOptions, FilterWordsAreJoinedAndServiceNamesLookedUp) {
  const SocketsRequest r = request({"dport", "=", "https", "and", "not", "sport", "<", "1024"});
  EXPECT_EQ(r.filter.toString(), "(dport = 443 and not sport < 1024)");
}

TEST(SocketsOptions, SortFormatNamespaceAndWatch) {
  const SocketsRequest r = request({"--sort", "state,-sport", "--format", "ndjson", "-N", "lab",
                                    "--watch", "--interval", "0.5", "--procfs"});
  ASSERT_EQ(r.sort.size(), 2u);
  EXPECT_EQ(r.sort[0].key, sockets::SortKey::kState);
  EXPECT_FALSE(r.sort[0].descending);
  EXPECT_EQ(r.sort[1].key, sockets::SortKey::kSport);
  EXPECT_TRUE(r.sort[1].descending);
  EXPECT_EQ(r.format, sockets::SocketFormat::kNdjson);
  EXPECT_EQ(r.netns, "lab");
  EXPECT_TRUE(r.watch);
  EXPECT_EQ(r.interval_seconds, 0.5);
  EXPECT_TRUE(r.table.force_procfs);
}

TEST(SocketsOptions, BadValuesNameTheToken) {
  EXPECT_EQ(usageError({"--format", "xml"}), "--format: unknown format 'xml'");
  EXPECT_EQ(usageError({"-l", "-a"}), "-l and -a exclude each other");
  EXPECT_NE(usageError({"--interval", "0"}).find("--interval"), std::string::npos);
  EXPECT_NE(usageError({"--sort", "colour"}).find("colour"), std::string::npos);
  EXPECT_NE(usageError({"state", "sleepy"}).find("sleepy"), std::string::npos);
  EXPECT_NE(usageError({"sport", "<"}), "");
}

}  // namespace
}  // namespace portlens::cli
