// nmap's XML (`nmap -oX`, and `portlens scan --format xml`, which writes the same elements)
// read back through Boost.PropertyTree's parser (RapidXML: the five predefined entities and
// character references only, no DTD, no external entities).
#include <fmt/format.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <memory>
#include <sstream>

#include "results/result_builder.h"

namespace portlens::results {
namespace {

using Tree = boost::property_tree::ptree;

// RapidXML parses elements recursively: a hostile file of deeply nested elements would
// overflow the stack. nmap's deepest element is 5 levels down (nmaprun/host/ports/port/
// service/cpe); far deeper input is refused before parsing. Quotes, comments, CDATA and
// DOCTYPE are skipped so that no '<' or '/>' inside them is counted.
constexpr int kMaxXmlDepth = 64;

bool tooDeep(std::string_view text) {
  int depth = 0;
  std::size_t i = 0;
  auto skip_to = [&](std::string_view end) {
    const auto at = text.find(end, i);
    i = at == std::string_view::npos ? text.size() : at + end.size();
  };
  while ((i = text.find('<', i)) != std::string_view::npos) {
    const std::string_view rest = text.substr(i);
    if (rest.starts_with("<!--")) {
      skip_to("-->");
    } else if (rest.starts_with("<![CDATA[")) {
      skip_to("]]>");
    } else if (rest.starts_with("<!") || rest.starts_with("<?")) {
      skip_to(">");
    } else if (rest.starts_with("</")) {
      --depth;
      skip_to(">");
    } else {
      // An opening tag: its attributes may hold '>' or "/>" inside quotes.
      char quote = 0;
      ++i;
      while (i < text.size() && (quote != 0 || text[i] != '>')) {
        if (quote == 0 && (text[i] == '"' || text[i] == '\'')) {
          quote = text[i];
        } else if (text[i] == quote) {
          quote = 0;
        }
        ++i;
      }
      const bool self_closing = i > 0 && i < text.size() && text[i - 1] == '/';
      if (!self_closing && ++depth > kMaxXmlDepth) return true;
      ++i;
    }
  }
  return false;
}

std::string attribute(const Tree& node, const char* name) {
  return node.get<std::string>(std::string("<xmlattr>.") + name, "");
}

// nmap's other states (open|filtered, closed|filtered, unfiltered) come from scan types
// Portlens does not run; the nearest of its three states keeps them comparable.
std::optional<scan::PortState> stateOf(const std::string& text) {
  if (auto state = scan::parsePortState(text)) return state;
  if (text == "open|filtered" || text == "closed|filtered") return scan::PortState::kFiltered;
  return std::nullopt;
}

std::shared_ptr<const scan::ServiceInfo> serviceOf(const Tree& port) {
  const auto service = port.get_child_optional("service");
  if (!service) return nullptr;
  // nmap writes method="table" on every port with or without -sV: only "probed" says that
  // detection named the service (the table's guess is what every reader can look up again).
  const std::string method = attribute(*service, "method");
  if (method != "probed") return nullptr;
  auto info = std::make_shared<scan::ServiceInfo>();
  info->name = attribute(*service, "name");
  info->product = attribute(*service, "product");
  info->version = attribute(*service, "version");
  info->extrainfo = attribute(*service, "extrainfo");
  info->hostname = attribute(*service, "hostname");
  info->ostype = attribute(*service, "ostype");
  info->devicetype = attribute(*service, "devicetype");
  info->ssl_tunnel = attribute(*service, "tunnel") == "ssl";
  info->method = scan::ServiceMethod::kProbed;
  const std::string conf = attribute(*service, "conf");
  if (conf.size() == 1 && conf[0] >= '0' && conf[0] <= '9') {
    info->confidence = static_cast<std::uint8_t>(conf[0] - '0');
  } else if (conf == "10") {
    info->confidence = 10;
  }
  for (const auto& [name, child] : *service) {
    if (name == "cpe") info->cpe.push_back(child.data());
  }
  return info;
}

std::optional<std::uint16_t> portNumber(const std::string& text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

void readPorts(const Tree& ports, const scan::HostRecord& host, ResultBuilder& builder) {
  for (const auto& [name, node] : ports) {
    if (name == "extraports") {
      const auto state = stateOf(attribute(node, "state"));
      if (!state) continue;
      const auto reasons = node.get_child_optional("extrareasons");
      const auto reason = reasons ? parseReason(attribute(*reasons, "reason")) : std::nullopt;
      builder.addUnlisted(host.ip, *state, reason.value_or(defaultReason(*state)));
      continue;
    }
    if (name != "port" || attribute(node, "protocol") != "tcp") continue;
    const auto port = portNumber(attribute(node, "portid"));
    if (!port)
      builder.fail(0, fmt::format("host {}: <port> without a valid portid", host.ip.toString()));
    const auto state_node = node.get_child_optional("state");
    const auto state = state_node ? stateOf(attribute(*state_node, "state")) : std::nullopt;
    if (!state) continue;  // unfiltered (ACK scans): nothing Portlens compares
    scan::PortRecord record;
    record.ip = host.ip;
    record.hostname = host.hostname;
    record.port = *port;
    record.state = *state;
    record.reason = parseReason(attribute(*state_node, "reason")).value_or(defaultReason(*state));
    record.service = serviceOf(node);
    builder.addPort(std::move(record));
  }
}

void readHost(const Tree& node, ResultBuilder& builder) {
  if (const auto status = node.get_child_optional("status");
      status && attribute(*status, "state") == "down") {
    return;
  }
  scan::HostRecord host;
  bool has_address = false;
  for (const auto& [name, child] : node) {
    if (name != "address") continue;
    const std::string type = attribute(child, "addrtype");
    if (type != "ipv4" && type != "ipv6") continue;
    const auto ip = core::IpAddress::parse(attribute(child, "addr"));
    if (!ip) builder.fail(0, fmt::format("bad address '{}'", attribute(child, "addr")));
    host.ip = *ip;
    has_address = true;
  }
  if (!has_address) return;
  if (const auto names = node.get_child_optional("hostnames")) {
    for (const auto& [name, child] : *names) {
      if (name == "hostname" && host.hostname.empty()) host.hostname = attribute(child, "name");
    }
  }
  builder.addHost(host);
  if (const auto ports = node.get_child_optional("ports")) readPorts(*ports, host, builder);
}

}  // namespace

void readXmlResult(std::string_view text, ResultBuilder& builder) {
  if (tooDeep(text)) builder.fail(0, fmt::format("XML nested deeper than {}", kMaxXmlDepth));
  Tree tree;
  try {
    std::istringstream in{std::string(text)};
    boost::property_tree::read_xml(in, tree, boost::property_tree::xml_parser::no_comments);
  } catch (const boost::property_tree::xml_parser_error& e) {
    builder.fail(e.line(), e.message());
  }
  const auto run = tree.get_child_optional("nmaprun");
  if (!run) builder.fail(0, "not an nmap XML file (no <nmaprun>)");
  for (const auto& [name, node] : *run) {
    if (name == "scaninfo" && attribute(node, "protocol") == "tcp") {
      builder.setScannedPorts(attribute(node, "services"));
    } else if (name == "host") {
      readHost(node, builder);
    }
  }
}

}  // namespace portlens::results
