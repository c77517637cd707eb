#include "registry/port_explanation.h"

#include <sstream>

namespace portlens::registry {
namespace {

std::string_view bounds(PortRange range) {
  switch (range) {
    case PortRange::kWellKnown:
      return "0-1023";
    case PortRange::kRegistered:
      return "1024-49151";
    case PortRange::kDynamic:
      return "49152-65535";
  }
  return "";
}

std::string_view rankingName(RankingSource source) {
  return source == RankingSource::kNmap ? "nmap" : "builtin";
}

std::string rangeText(const EphemeralRange& range) {
  return std::to_string(range.first) + "-" + std::to_string(range.last);
}

}  // namespace

Explanation explainPort(const PortRegistry& registry, std::uint16_t port,
                        const std::optional<EphemeralRange>& ephemeral) {
  Explanation explanation;
  explanation.port = port;
  if (const std::optional<ServiceEntry> entry = registry.lookup(port)) {
    explanation.name = entry->name;
    explanation.description = entry->description;
  }
  for (std::string_view name : registry.namesFor(port)) explanation.names.emplace_back(name);
  explanation.range = rangeOf(port);
  explanation.ephemeral_range = ephemeral;
  explanation.in_ephemeral_range = ephemeral.has_value() && ephemeral->contains(port);
  explanation.rank = registry.rankOf(port);
  explanation.ranking_source = registry.rankingSource();
  return explanation;
}

std::string renderText(const Explanation& e) {
  std::ostringstream out;
  out << e.port << '/' << e.protocol << "  ";
  if (e.name.empty()) {
    out << "(no IANA service name)";
  } else {
    out << e.name;
    if (!e.description.empty()) out << "  \u2014 " << e.description;
  }
  out << '\n';

  if (e.names.size() > 1) {
    out << "  aliases    ";
    for (std::size_t i = 1; i < e.names.size(); ++i) out << (i == 1 ? "" : ", ") << e.names[i];
    out << '\n';
  }
  out << "  range      " << toString(e.range) << " (" << bounds(e.range) << ")\n";
  out << "  ephemeral  ";
  if (!e.ephemeral_range) {
    out << "unknown (the local port range could not be read)\n";
  } else if (e.in_ephemeral_range) {
    out << "yes: the kernel may pick it as a source port (local range "
        << rangeText(*e.ephemeral_range) << ")\n";
  } else {
    out << "no (local range " << rangeText(*e.ephemeral_range) << ")\n";
  }
  out << "  rank       " << e.rank << " of 65536 ("
      << (e.ranking_source == RankingSource::kNmap ? "nmap-services frequencies"
                                                   : "built-in ranking")
      << ")\n";
  return out.str();
}

nlohmann::ordered_json toJson(const Explanation& e) {
  nlohmann::ordered_json json;
  json["port"] = e.port;
  json["protocol"] = e.protocol;
  json["name"] = e.name.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(e.name);
  json["names"] = e.names;
  json["description"] =
      e.name.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(e.description);
  json["range"] = toString(e.range);
  if (e.ephemeral_range) {
    json["in_ephemeral_range"] = e.in_ephemeral_range;
    json["ephemeral_range"] = {{"first", e.ephemeral_range->first},
                               {"last", e.ephemeral_range->last}};
  } else {
    json["in_ephemeral_range"] = nullptr;
    json["ephemeral_range"] = nullptr;
  }
  json["rank"] = e.rank;
  json["ranking"] = rankingName(e.ranking_source);
  return json;
}

std::string renderJson(const std::vector<Explanation>& explanations) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const Explanation& e : explanations) array.push_back(toJson(e));
  // Replace invalid UTF-8 rather than throw: descriptions come from IANA, not from us.
  return array.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace portlens::registry
