#include "store/service_codec.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "core/screen_safe.h"

namespace portlens::store {
namespace {

using Json = nlohmann::json;

// The format's version, so a later layout can be told apart instead of half-read.
constexpr int kFormat = 1;
// Far above anything encode writes (a 1 KiB banner, a certificate's names): a bound on what a
// corrupt row can make decode allocate.
constexpr std::size_t kMaxEncoded = 1 << 20;

bool isUtf8(std::string_view text) {
  char32_t code_point = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = core::decodeUtf8(text, i, code_point);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string toHex(std::string_view bytes) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool fromHex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = hexDigit(hex[i]);
    const int low = hexDigit(hex[i + 1]);
    if (high < 0 || low < 0) return false;
    out += static_cast<char>(high * 16 + low);
  }
  return true;
}

// A string as itself when it is UTF-8, else {"hex": bytes}.
Json textJson(const std::string& text) {
  if (isUtf8(text)) return text;
  return Json{{"hex", toHex(text)}};
}

// Readers: false when the member is missing or of another type. A missing member is an error,
// not a default: encode writes every one, so its absence means this is not our text.
bool readText(const Json& json, std::string& out) {
  if (json.is_string()) {
    out = json.get_ref<const std::string&>();
    return true;
  }
  if (!json.is_object() || json.size() != 1 || !json.contains("hex")) return false;
  const Json& hex = json.at("hex");
  return hex.is_string() && fromHex(hex.get_ref<const std::string&>(), out);
}

bool readText(const Json& object, const char* key, std::string& out) {
  auto it = object.find(key);
  return it != object.end() && readText(*it, out);
}

bool readTextList(const Json& object, const char* key, std::vector<std::string>& out) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return false;
  out.clear();
  for (const auto& item : *it) {
    if (!readText(item, out.emplace_back())) return false;
  }
  return true;
}

bool readBool(const Json& object, const char* key, bool& out) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_boolean()) return false;
  out = it->get<bool>();
  return true;
}

bool readInt(const Json& object, const char* key, std::int64_t low, std::int64_t high,
             std::int64_t& out) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return false;
  if (it->is_number_unsigned()) {
    if (it->get<std::uint64_t>() > static_cast<std::uint64_t>(high)) return false;
    out = static_cast<std::int64_t>(it->get<std::uint64_t>());
  } else {
    out = it->get<std::int64_t>();
  }
  return out >= low && out <= high;
}

Json textListJson(const std::vector<std::string>& list) {
  Json out = Json::array();
  for (const auto& item : list) out.push_back(textJson(item));
  return out;
}

Json tlsJson(const scan::TlsInfo& tls) {
  return Json{{"version", textJson(tls.version)},
              {"cipher", textJson(tls.cipher)},
              {"alpn", textJson(tls.alpn)},
              {"subject", textJson(tls.subject)},
              {"common_name", textJson(tls.common_name)},
              {"sans", textListJson(tls.sans)},
              {"issuer", textJson(tls.issuer)},
              {"not_before", textJson(tls.not_before)},
              {"not_after", textJson(tls.not_after)},
              {"self_signed", tls.self_signed},
              {"expired", tls.expired},
              {"expires_soon", tls.expires_soon},
              {"sha256", textJson(tls.sha256)},
              {"key_type", textJson(tls.key_type)},
              {"key_bits", tls.key_bits}};
}

bool readTls(const Json& json, scan::TlsInfo& tls) {
  if (!json.is_object()) return false;
  std::int64_t bits = 0;
  const bool ok =
      readText(json, "version", tls.version) && readText(json, "cipher", tls.cipher) &&
      readText(json, "alpn", tls.alpn) && readText(json, "subject", tls.subject) &&
      readText(json, "common_name", tls.common_name) && readTextList(json, "sans", tls.sans) &&
      readText(json, "issuer", tls.issuer) && readText(json, "not_before", tls.not_before) &&
      readText(json, "not_after", tls.not_after) &&
      readBool(json, "self_signed", tls.self_signed) && readBool(json, "expired", tls.expired) &&
      readBool(json, "expires_soon", tls.expires_soon) && readText(json, "sha256", tls.sha256) &&
      readText(json, "key_type", tls.key_type) &&
      readInt(json, "key_bits", std::numeric_limits<int>::min(), std::numeric_limits<int>::max(),
              bits);
  tls.key_bits = static_cast<int>(bits);
  return ok;
}

bool readMethod(const Json& object, scan::ServiceMethod& out) {
  std::string text;
  if (!readText(object, "method", text)) return false;
  for (auto method : {scan::ServiceMethod::kProbed, scan::ServiceMethod::kTable}) {
    if (scan::toString(method) == text) {
      out = method;
      return true;
    }
  }
  return false;
}

bool readFields(const Json& json, scan::ServiceInfo& info) {
  std::int64_t format = 0;
  std::int64_t confidence = 0;
  std::string banner_hex;
  const bool ok =
      readInt(json, "format", kFormat, kFormat, format) && readText(json, "name", info.name) &&
      readText(json, "product", info.product) && readText(json, "version", info.version) &&
      readText(json, "extrainfo", info.extrainfo) && readText(json, "hostname", info.hostname) &&
      readText(json, "ostype", info.ostype) && readText(json, "devicetype", info.devicetype) &&
      readBool(json, "ssl_tunnel", info.ssl_tunnel) && readTextList(json, "cpe", info.cpe) &&
      readMethod(json, info.method) && readInt(json, "conf", 0, 255, confidence) &&
      json.contains("banner_hex") && json.at("banner_hex").is_string() &&
      fromHex(json.at("banner_hex").get_ref<const std::string&>(), info.banner);
  if (!ok) return false;
  info.confidence = static_cast<std::uint8_t>(confidence);
  auto tls = json.find("tls");
  if (tls == json.end() || tls->is_null()) return true;
  return readTls(*tls, info.tls.emplace());
}

}  // namespace

std::string encodeService(const scan::ServiceInfo& info) {
  Json json{{"format", kFormat},
            {"name", textJson(info.name)},
            {"product", textJson(info.product)},
            {"version", textJson(info.version)},
            {"extrainfo", textJson(info.extrainfo)},
            {"hostname", textJson(info.hostname)},
            {"ostype", textJson(info.ostype)},
            {"devicetype", textJson(info.devicetype)},
            {"ssl_tunnel", info.ssl_tunnel},
            {"cpe", textListJson(info.cpe)},
            {"method", scan::toString(info.method)},
            {"conf", info.confidence},
            {"banner_hex", toHex(info.banner)},
            {"tls", info.tls ? tlsJson(*info.tls) : Json(nullptr)}};
  return json.dump();
}

std::shared_ptr<const scan::ServiceInfo> decodeService(std::string_view text) {
  if (text.empty() || text.size() > kMaxEncoded) return nullptr;
  try {
    const Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object()) return nullptr;
    auto info = std::make_shared<scan::ServiceInfo>();
    if (!readFields(json, *info)) return nullptr;
    return info;
  } catch (const std::exception&) {
    return nullptr;  // allocation failures and anything the checks above missed
  }
}

}  // namespace portlens::store
