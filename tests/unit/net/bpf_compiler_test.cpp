#include "net/bpf_compiler.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace portlens::net {
namespace {

// The SYN receiver's filter must be exactly the program tcpdump builds for the same
// expression: `tcpdump -dd -s 256 -y EN10MB '(tcp dst portrange 40000-40015) or icmp or
// icmp6'` (tcpdump 4.99.3, libpcap 1.10.3, Debian 12). libpcap is loaded on demand here.
TEST(BpfCompiler, MatchesTcpdumpForTheSynReceiverFilter) {
  const std::vector<sock_filter> expected = {
      {0x28, 0, 0, 0x0000000c},   {0x15, 0, 8, 0x000086dd},  {0x30, 0, 0, 0x00000014},
      {0x15, 0, 2, 0x00000006},   {0x28, 0, 0, 0x00000038},  {0x35, 12, 15, 0x00009c40},
      {0x15, 13, 0, 0x0000003a},  {0x15, 0, 13, 0x0000002c}, {0x30, 0, 0, 0x00000036},
      {0x15, 10, 11, 0x0000003a}, {0x15, 0, 10, 0x00000800}, {0x30, 0, 0, 0x00000017},
      {0x15, 0, 6, 0x00000006},   {0x28, 0, 0, 0x00000014},  {0x45, 6, 0, 0x00001fff},
      {0xb1, 0, 0, 0x0000000e},   {0x48, 0, 0, 0x00000010},  {0x35, 0, 3, 0x00009c40},
      {0x25, 2, 1, 0x00009c4f},   {0x15, 0, 1, 0x00000001},  {0x6, 0, 0, 0x00000100},
      {0x6, 0, 0, 0x00000000},
  };
  const std::vector<sock_filter> program =
      compileBpf("(tcp dst portrange 40000-40015) or icmp or icmp6");
  ASSERT_EQ(program.size(), expected.size());
  for (std::size_t i = 0; i < program.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(program[i].code, expected[i].code);
    EXPECT_EQ(program[i].jt, expected[i].jt);
    EXPECT_EQ(program[i].jf, expected[i].jf);
    EXPECT_EQ(program[i].k, expected[i].k);
  }
}

TEST(BpfCompiler, RejectsAnExpressionLibpcapCannotParse) {
  EXPECT_THROW(compileBpf("tcp dst portrange banana"), std::invalid_argument);
}

}  // namespace
}  // namespace portlens::net
