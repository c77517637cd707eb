#include "output/service_view.h"

#include <fmt/format.h>

namespace portlens::output {

ServiceView serviceView(const scan::PortRecord& record, const registry::PortRegistry& registry) {
  ServiceView view;
  if (const scan::ServiceInfo* info = record.service.get(); info != nullptr) {
    view.detected = info;
    view.name = info->name;
    view.ssl_tunnel = info->ssl_tunnel;
    view.method = info->method;
    view.confidence = info->confidence;
    std::string& text = view.version_text;
    for (const std::string* part : {&info->product, &info->version}) {
      if (part->empty()) continue;
      if (!text.empty()) text += ' ';
      text += *part;
    }
    if (!info->extrainfo.empty()) {
      if (!text.empty()) text += ' ';
      text += "(" + info->extrainfo + ")";
    }
    if (!view.name.empty()) return view;
  }
  view.name = std::string(registry.serviceName(record.port));
  return view;
}

std::string displayServiceName(const ServiceView& view) {
  const std::string name = view.name.empty() ? "unknown" : view.name;
  return view.ssl_tunnel ? "ssl/" + name : name;
}

std::string escapeBytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (byte < 0x20 || byte >= 0x7f) {
          out += fmt::format("\\x{:02x}", byte);
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace portlens::output
