#include "policy/finding_json.h"

#include <fmt/format.h>

#include "core/screen_safe.h"

namespace portlens::policy {
namespace {

using Json = nlohmann::ordered_json;

void setIfAny(Json& json, const char* key, const std::string& value) {
  if (!value.empty()) json[key] = value;
}

std::string stringOr(const nlohmann::json& json, const char* key) {
  if (!json.contains(key) || !json.at(key).is_string()) return "";
  return json.at(key).get<std::string>();
}

std::optional<ProcessInfo> processFromJson(const nlohmann::json& json) {
  if (!json.contains("process") || !json.at("process").is_object()) return std::nullopt;
  const nlohmann::json& process = json.at("process");
  ProcessInfo info;
  if (process.contains("pid") && process.at("pid").is_number_integer()) {
    const auto value = process.at("pid").get<std::int64_t>();
    if (value >= 0 && value <= INT32_MAX) info.pid = static_cast<std::int32_t>(value);
  }
  info.name = stringOr(process, "name");
  info.user = stringOr(process, "user");
  return info;
}

}  // namespace

nlohmann::ordered_json findingJson(const Finding& finding) {
  Json json = Json::object();
  json["kind"] = toString(finding.kind);
  if (finding.local) json["local"] = true;
  json["ip"] = finding.ip.toString();
  json["port"] = finding.port;
  setIfAny(json, "state", finding.state);
  setIfAny(json, "service", finding.service);
  setIfAny(json, "product", finding.product);
  setIfAny(json, "version", finding.version);
  setIfAny(json, "expected", finding.expected);
  if (finding.process) {
    json["process"] = {{"pid", finding.process->pid},
                       {"name", finding.process->name},
                       {"user", finding.process->user}};
  }
  setIfAny(json, "owner", finding.owner);
  setIfAny(json, "purpose", finding.purpose);
  setIfAny(json, "detail", finding.detail);
  return json;
}

std::optional<Finding> findingFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return std::nullopt;
  if (!json.contains("port") || !json.at("port").is_number_unsigned()) return std::nullopt;
  const auto parsed_kind = parseFindingKind(stringOr(json, "kind"));
  const auto parsed_ip = core::IpAddress::parse(stringOr(json, "ip"));
  const auto port = json.at("port").get<std::uint64_t>();
  if (!parsed_kind || !parsed_ip || port > 65535) return std::nullopt;
  Finding finding;
  finding.kind = *parsed_kind;
  finding.ip = *parsed_ip;
  finding.port = static_cast<std::uint16_t>(port);
  finding.local =
      json.contains("local") && json.at("local").is_boolean() && json.at("local").get<bool>();
  finding.state = stringOr(json, "state");
  finding.service = stringOr(json, "service");
  finding.product = stringOr(json, "product");
  finding.version = stringOr(json, "version");
  finding.expected = stringOr(json, "expected");
  finding.process = processFromJson(json);
  finding.owner = stringOr(json, "owner");
  finding.purpose = stringOr(json, "purpose");
  finding.detail = stringOr(json, "detail");
  return finding;
}

std::string findingText(const Finding& finding) {
  const std::string ip = finding.ip.toString();
  std::string line = finding.local ? "local " : "";
  line += finding.ip.isV6() ? fmt::format("[{}]:{}", ip, finding.port)
                            : fmt::format("{}:{}", ip, finding.port);
  line += fmt::format(" {} ({}", toString(finding.kind),
                      finding.state.empty() ? std::string_view("not seen") : finding.state);
  if (!finding.service.empty()) line += fmt::format(", {}", core::screenSafe(finding.service));
  if (!finding.product.empty()) line += fmt::format(", {}", core::screenSafe(finding.product));
  if (!finding.version.empty()) line += fmt::format(" {}", core::screenSafe(finding.version));
  if (finding.process) {
    line += fmt::format(", pid {} {} user {}", finding.process->pid,
                        core::screenSafe(finding.process->name),
                        core::screenSafe(finding.process->user));
  }
  line += ')';
  if (!finding.detail.empty()) line += fmt::format(" - {}", core::screenSafe(finding.detail));
  if (!finding.owner.empty()) line += fmt::format(" [owner: {}]", core::screenSafe(finding.owner));
  return line;
}

}  // namespace portlens::policy
