// The DNS query builder and the bounded answer parser, on hand-built messages.
#include "target_policy/dns_message.h"

#include <gtest/gtest.h>

namespace portlens::target_policy {
namespace {

using Bytes = std::vector<std::uint8_t>;

void appendName(Bytes& m, std::string_view name) {
  std::size_t pos = 0;
  while (pos < name.size()) {
    auto dot = name.find('.', pos);
    if (dot == std::string_view::npos) dot = name.size();
    m.push_back(static_cast<std::uint8_t>(dot - pos));
    m.insert(m.end(), name.begin() + static_cast<std::ptrdiff_t>(pos),
             name.begin() + static_cast<std::ptrdiff_t>(dot));
    pos = dot + 1;
  }
  m.push_back(0);
}

// A reply: the query with QR set and `answers` records appended.
Bytes reply(std::uint16_t id, std::string_view name, DnsType type, std::uint8_t rcode,
            const std::vector<Bytes>& answers) {
  Bytes m = buildDnsQuery(id, name, type);
  m[2] |= 0x80;
  m[3] = rcode;
  m[7] = static_cast<std::uint8_t>(answers.size());
  for (const auto& a : answers) m.insert(m.end(), a.begin(), a.end());
  return m;
}

// One record whose owner is a pointer to the question name (offset 12).
Bytes record(DnsType type, const Bytes& rdata, std::uint16_t owner_pointer = 12) {
  Bytes r = {static_cast<std::uint8_t>(0xC0 | owner_pointer >> 8),
             static_cast<std::uint8_t>(owner_pointer & 0xFF),
             0,
             static_cast<std::uint8_t>(type),
             0,
             1,
             0,
             0,
             0,
             60,
             0,
             static_cast<std::uint8_t>(rdata.size())};
  for (const auto byte : rdata) r.push_back(byte);  // insert(): g++ 12 false -Warray-bounds
  return r;
}

Bytes txt(std::initializer_list<std::string_view> strings) {
  Bytes out;
  for (auto s : strings) {
    out.push_back(static_cast<std::uint8_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

TEST(DnsMessage, QueryIsWireFormat) {
  const auto q = buildDnsQuery(0x1234, "_portlens-challenge.Scanme.Example.", DnsType::kTxt);
  EXPECT_EQ(q[0], 0x12);
  EXPECT_EQ(q[1], 0x34);
  EXPECT_EQ(q[2], 0x01);  // RD
  EXPECT_EQ(q[5], 1);     // one question
  EXPECT_EQ(q[12], 19);   // "_portlens-challenge"
  EXPECT_EQ(std::string(q.begin() + 13, q.begin() + 32), "_portlens-challenge");
  EXPECT_EQ(q[32], 6);
  EXPECT_EQ(std::string(q.begin() + 33, q.begin() + 39), "scanme");  // lower-cased
  EXPECT_EQ(q.size(), 12u + 1 + 19 + 1 + 6 + 1 + 7 + 1 + 4);
  EXPECT_EQ(q[q.size() - 3], 16);  // TXT
  EXPECT_THROW(buildDnsQuery(1, "a..example", DnsType::kTxt), DnsError);
  EXPECT_THROW(buildDnsQuery(1, std::string(64, 'a') + ".example", DnsType::kTxt), DnsError);
  EXPECT_THROW(buildDnsQuery(1, "", DnsType::kTxt), DnsError);
}

TEST(DnsMessage, TxtRecordsAreJoined) {
  const auto m = reply(7, "_c.x.example", DnsType::kTxt, 0,
                       {record(DnsType::kTxt, txt({"portlens-", "abc"})),
                        record(DnsType::kTxt, txt({"v=spf1 -all"}))});
  const auto a = parseDnsAnswer(m, 7, "_C.X.example.", DnsType::kTxt);
  EXPECT_EQ(a.rcode, 0);
  ASSERT_EQ(a.texts.size(), 2u);
  EXPECT_EQ(a.texts[0], "portlens-abc");
  EXPECT_EQ(a.texts[1], "v=spf1 -all");
}

TEST(DnsMessage, AddressesAndCnameChain) {
  Bytes target_name;
  appendName(target_name, "real.example");
  Bytes m = reply(9, "www.example", DnsType::kA, 0, {});
  const std::uint16_t cname_at = static_cast<std::uint16_t>(m.size() + 12);  // its rdata
  m[7] = 3;
  auto cname = record(DnsType::kCname, target_name);
  m.insert(m.end(), cname.begin(), cname.end());
  auto a = record(DnsType::kA, {198, 51, 100, 7}, cname_at);
  m.insert(m.end(), a.begin(), a.end());
  // A record for a name not in the chain: ignored (no answer smuggling).
  Bytes other = {3, 'e', 'v', 'l', 0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 203, 0, 113, 9};
  m.insert(m.end(), other.begin(), other.end());
  const auto answer = parseDnsAnswer(m, 9, "www.example", DnsType::kA);
  ASSERT_EQ(answer.addresses.size(), 1u);
  EXPECT_EQ(answer.addresses[0].toString(), "198.51.100.7");
}

TEST(DnsMessage, Aaaa) {
  Bytes v6(16, 0);
  v6[0] = 0x20;
  v6[1] = 0x01;
  v6[2] = 0x0d;
  v6[3] = 0xb8;
  v6[15] = 1;
  const auto m = reply(3, "x.example", DnsType::kAaaa, 0, {record(DnsType::kAaaa, v6)});
  const auto a = parseDnsAnswer(m, 3, "x.example", DnsType::kAaaa);
  ASSERT_EQ(a.addresses.size(), 1u);
  EXPECT_EQ(a.addresses[0].toString(), "2001:db8::1");
}

TEST(DnsMessage, NxdomainIsAnRcode) {
  const auto m = reply(5, "none.example", DnsType::kTxt, 3, {});
  EXPECT_EQ(parseDnsAnswer(m, 5, "none.example", DnsType::kTxt).rcode, 3);
}

TEST(DnsMessage, RefusesOtherRepliesAndMalformedOnes) {
  const auto good = reply(5, "a.example", DnsType::kTxt, 0, {record(DnsType::kTxt, txt({"t"}))});
  EXPECT_THROW(parseDnsAnswer(good, 6, "a.example", DnsType::kTxt), DnsError);  // id
  EXPECT_THROW(parseDnsAnswer(good, 5, "b.example", DnsType::kTxt), DnsError);  // question
  EXPECT_THROW(parseDnsAnswer(good, 5, "a.example", DnsType::kA), DnsError);    // type
  auto query = buildDnsQuery(5, "a.example", DnsType::kTxt);
  EXPECT_THROW(parseDnsAnswer(query, 5, "a.example", DnsType::kTxt), DnsError);  // not a reply
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    const std::span<const std::uint8_t> part(good.data(), cut);
    EXPECT_THROW(parseDnsAnswer(part, 5, "a.example", DnsType::kTxt), DnsError) << cut;
  }
  auto truncated = good;
  truncated[2] |= 0x02;
  EXPECT_THROW(parseDnsAnswer(truncated, 5, "a.example", DnsType::kTxt), DnsError);
  // A TXT string longer than its record.
  auto bad_txt = good;
  bad_txt[bad_txt.size() - 2] = 9;
  EXPECT_THROW(parseDnsAnswer(bad_txt, 5, "a.example", DnsType::kTxt), DnsError);
}

TEST(DnsMessage, CompressionLoopsAndForwardPointersAreRefused) {
  auto m = reply(5, "a.example", DnsType::kTxt, 0, {});
  m[7] = 1;
  const auto self = static_cast<std::uint16_t>(m.size());
  const Bytes looping = {static_cast<std::uint8_t>(0xC0 | self >> 8),
                         static_cast<std::uint8_t>(self & 0xFF)};  // points at itself
  m.insert(m.end(), looping.begin(), looping.end());
  m.insert(m.end(), {0, 16, 0, 1, 0, 0, 0, 0, 0, 0});
  EXPECT_THROW(parseDnsAnswer(m, 5, "a.example", DnsType::kTxt), DnsError);
}

}  // namespace
}  // namespace portlens::target_policy
