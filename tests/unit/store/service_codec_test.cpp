#include "store/service_codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace portlens::store {
namespace {

scan::ServiceInfo fullService() {
  scan::ServiceInfo info;
  info.name = "http";
  info.product = "nginx";
  info.version = "1.22.1";
  info.extrainfo = "Debian";
  info.hostname = "lab.example";
  info.ostype = "Linux";
  info.devicetype = "web proxy";
  info.ssl_tunnel = true;
  info.cpe = {"cpe:/a:igor_sysoev:nginx:1.22.1", "cpe:/o:linux:linux_kernel"};
  info.method = scan::ServiceMethod::kTable;
  info.confidence = 3;
  // Every byte value, NUL and invalid UTF-8 included: the banner is raw bytes.
  for (int b = 0; b < 256; ++b) info.banner += static_cast<char>(b);
  scan::TlsInfo tls;
  tls.version = "TLSv1.3";
  tls.cipher = "TLS_AES_256_GCM_SHA384";
  tls.alpn = "h2";
  tls.subject = "CN=lab.example,O=Portlens Lab";
  tls.common_name = "lab.example";
  tls.sans = {"DNS:lab.example", "IP:198.18.0.7"};
  tls.issuer = "CN=Lab CA";
  tls.not_before = "2026-01-01T00:00:00Z";
  tls.not_after = "2026-12-20T00:00:00Z";
  tls.self_signed = true;
  tls.expired = false;
  tls.expires_soon = true;
  tls.sha256 = std::string(64, 'a');
  tls.key_type = "EC";
  tls.key_bits = 256;
  info.tls = tls;
  return info;
}

void expectSame(const scan::ServiceInfo& a, const scan::ServiceInfo& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.product, b.product);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.extrainfo, b.extrainfo);
  EXPECT_EQ(a.hostname, b.hostname);
  EXPECT_EQ(a.ostype, b.ostype);
  EXPECT_EQ(a.devicetype, b.devicetype);
  EXPECT_EQ(a.ssl_tunnel, b.ssl_tunnel);
  EXPECT_EQ(a.cpe, b.cpe);
  EXPECT_EQ(a.method, b.method);
  EXPECT_EQ(a.confidence, b.confidence);
  EXPECT_EQ(a.banner, b.banner);
  ASSERT_EQ(a.tls.has_value(), b.tls.has_value());
  if (!a.tls) return;
  const auto& x = *a.tls;
  const auto& y = *b.tls;
  EXPECT_EQ(x.version, y.version);
  EXPECT_EQ(x.cipher, y.cipher);
  EXPECT_EQ(x.alpn, y.alpn);
  EXPECT_EQ(x.subject, y.subject);
  EXPECT_EQ(x.common_name, y.common_name);
  EXPECT_EQ(x.sans, y.sans);
  EXPECT_EQ(x.issuer, y.issuer);
  EXPECT_EQ(x.not_before, y.not_before);
  EXPECT_EQ(x.not_after, y.not_after);
  EXPECT_EQ(x.self_signed, y.self_signed);
  EXPECT_EQ(x.expired, y.expired);
  EXPECT_EQ(x.expires_soon, y.expires_soon);
  EXPECT_EQ(x.sha256, y.sha256);
  EXPECT_EQ(x.key_type, y.key_type);
  EXPECT_EQ(x.key_bits, y.key_bits);
}

TEST(ServiceCodec, EveryFieldRoundTrips) {
  const auto info = fullService();
  const std::string text = encodeService(info);
  auto back = decodeService(text);
  ASSERT_NE(back, nullptr) << text;
  expectSame(info, *back);
  // The stored text is JSON (readable with sqlite3 and json_extract), the banner as hex.
  auto json = nlohmann::json::parse(text);
  EXPECT_EQ(json.at("product"), "nginx");
  EXPECT_EQ(json.at("banner_hex").get<std::string>().substr(0, 6), "000102");
}

TEST(ServiceCodec, ADefaultServiceWithoutTlsRoundTrips) {
  const scan::ServiceInfo info;
  auto back = decodeService(encodeService(info));
  ASSERT_NE(back, nullptr);
  expectSame(info, *back);
  EXPECT_FALSE(back->tls.has_value());
}

// A product or certificate name a peer's bytes filled in need not be UTF-8; JSON strings must
// be, so those are stored as hex and come back exact.
TEST(ServiceCodec, StringsThatAreNotUtf8RoundTripExactly) {
  auto info = fullService();
  info.product = std::string("nginx\xc3(", 7);
  info.cpe = {std::string("cpe:/a:\xff", 8)};
  info.tls->subject = std::string("CN=\xed\xa0\x80", 6);  // a surrogate: not UTF-8
  info.tls->sans = {"DNS:ok", std::string("DNS:\x80", 5)};
  const std::string text = encodeService(info);
  auto back = decodeService(text);
  ASSERT_NE(back, nullptr) << text;
  expectSame(info, *back);
  EXPECT_EQ(nlohmann::json::parse(text).at("product").at("hex"), "6e67696e78c328");
}

TEST(ServiceCodec, MalformedValuesDecodeToNull) {
  const std::string good = encodeService(fullService());
  auto edited = [&](auto change) {
    auto json = nlohmann::json::parse(good);
    change(json);
    return json.dump();
  };
  const std::vector<std::string> bad = {
      "",
      "null",
      "[]",
      "\"http\"",
      "{",
      good.substr(0, good.size() / 2),
      "{}",
      edited([](auto& j) { j["format"] = 2; }),
      edited([](auto& j) { j.erase("name"); }),
      edited([](auto& j) { j["name"] = 7; }),
      edited([](auto& j) {
        j["product"] = nlohmann::json{{"hex", "6"}};
      }),
      edited([](auto& j) {
        j["product"] = nlohmann::json{{"hex", "zz"}};
      }),
      edited([](auto& j) { j["banner_hex"] = "0g"; }),
      edited([](auto& j) { j["conf"] = 256; }),
      edited([](auto& j) { j["conf"] = -1; }),
      edited([](auto& j) { j["conf"] = 2.5; }),
      edited([](auto& j) { j["method"] = "guessed"; }),
      edited([](auto& j) { j["ssl_tunnel"] = "yes"; }),
      edited([](auto& j) { j["cpe"] = "cpe:/a:x"; }),
      edited([](auto& j) { j["cpe"] = nlohmann::json::array({1}); }),
      edited([](auto& j) { j["tls"] = "TLSv1.3"; }),
      edited([](auto& j) { j["tls"].erase("sha256"); }),
      edited([](auto& j) { j["tls"]["key_bits"] = 1e12; }),
      edited([](auto& j) { j["tls"]["key_bits"] = 99999999999LL; }),
      edited([](auto& j) { j["tls"]["sans"] = nlohmann::json::array({nullptr}); }),
      std::string(2 << 20, ' '),
  };
  for (const auto& text : bad) {
    EXPECT_EQ(decodeService(text), nullptr) << text.substr(0, 200);
  }
}

}  // namespace
}  // namespace portlens::store
