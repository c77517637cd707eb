#include "cli/diff_command.h"

#include <fmt/core.h>

#include <iostream>
#include <memory>

#include "cli/audit_report.h"
#include "cli/policy_files.h"
#include "core/error.h"
#include "core/screen_safe.h"
#include "output/json_records.h"
#include "output/service_view.h"
#include "server/scan_diff.h"

namespace portlens::cli {
namespace {

using Json = nlohmann::ordered_json;

struct DiffOptions {
  std::string before;
  std::string after;
  std::string format = "text";
};

Json sideJson(const scan::PortRecord& record, const registry::PortRegistry& registry) {
  Json json = Json::object();
  json["state"] = scan::toString(record.state);
  const output::ServiceView view = output::serviceView(record, registry);
  if (!view.name.empty()) json["service"] = view.name;
  if (view.ssl_tunnel) json["tunnel"] = "ssl";
  if (!view.version_text.empty()) json["version"] = view.version_text;
  return json;
}

std::string sideText(const scan::PortRecord& record, const registry::PortRegistry& registry) {
  const output::ServiceView view = output::serviceView(record, registry);
  std::string text(scan::toString(record.state));
  if (!view.name.empty()) text += fmt::format(" {}", output::displayServiceName(view));
  if (!view.version_text.empty()) text += fmt::format(" {}", view.version_text);
  return core::screenSafe(text);
}

void writeDiff(const server::ScanDiff& diff, const DiffOptions& options) {
  const auto registry = registry::PortRegistry::builtin();
  const ReportFormat format = parseReportFormat(options.format);
  const std::pair<const char*, const std::vector<server::PortChange>*> groups[] = {
      {"opened", &diff.opened}, {"closed", &diff.closed}, {"changed", &diff.changed}};
  Json document = Json::object();
  for (const auto& [name, changes] : groups) {
    Json& list = document[name] = Json::array();
    for (const server::PortChange& change : *changes) {
      const std::string ip = change.after.ip.toString();
      if (format == ReportFormat::kText) {
        const char mark = name[0] == 'o' ? '+' : name[0] == 'c' && name[1] == 'l' ? '-' : '~';
        std::cout << fmt::format("{} {}:{} {}: {} -> {}\n", mark, ip, change.after.port, name,
                                 sideText(change.before, registry),
                                 sideText(change.after, registry));
        continue;
      }
      Json json = Json::object();
      json["change"] = name;
      json["ip"] = ip;
      json["port"] = change.after.port;
      json["before"] = sideJson(change.before, registry);
      json["after"] = sideJson(change.after, registry);
      if (format == ReportFormat::kNdjson) {
        std::cout << output::dumpJson(output::typed("change", json)) << '\n';
      } else {
        list.push_back(std::move(json));
      }
    }
  }
  const std::size_t total = diff.opened.size() + diff.closed.size() + diff.changed.size();
  Json summary = {{"opened", diff.opened.size()},
                  {"closed", diff.closed.size()},
                  {"changed", diff.changed.size()},
                  {"compared", diff.compared}};
  if (format == ReportFormat::kText) {
    std::cout << fmt::format(
        "{} change{} ({} opened, {} closed, {} changed) in {} ports compared\n", total,
        total == 1 ? "" : "s", diff.opened.size(), diff.closed.size(), diff.changed.size(),
        diff.compared);
  } else if (format == ReportFormat::kNdjson) {
    std::cout << output::dumpJson(output::typed("summary", summary)) << '\n';
  } else {
    document["summary"] = summary;
    std::cout << output::dumpJson(document) << '\n';
  }
  std::cout.flush();
}

void runDiff(const DiffOptions& options, CommandContext& context) {
  parseReportFormat(options.format);
  const results::ScanResult before = loadResult(options.before);
  const results::ScanResult after = loadResult(options.after);
  const server::ScanDiff diff = server::diffScans(before.ports, after.ports);
  writeDiff(diff, options);
  const bool same = diff.opened.empty() && diff.closed.empty() && diff.changed.empty();
  context.exit_code = same ? core::kExitOk : core::kExitNotFound;
}

}  // namespace

void addDiffCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<DiffOptions>();
  CLI::App* cmd = app.add_subcommand(
      "diff", "Compare two scan results (NDJSON, JSON or nmap XML): exit 0 same, 1 different");
  cmd->add_option("before", options->before, "The earlier result file")->required();
  cmd->add_option("after", options->after, "The later result file")->required();
  cmd->add_option("--format", options->format, "text, json, ndjson")
      ->check(CLI::IsMember({"text", "json", "ndjson"}));
  cmd->callback([options, &context] { runDiff(*options, context); });
}

}  // namespace portlens::cli
