// How every format names a port's service: detection's answer when it ran on the port, the
// port table's name otherwise (nmap's method="table", conf 3). Also nmap's VERSION text and
// the byte escaping of banners. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "registry/port_registry.h"
#include "scan/records.h"

namespace portlens::output {

struct ServiceView {
  std::string name;  // "http", "ssh"; "" when neither detection nor the table knows it
  bool ssl_tunnel = false;
  scan::ServiceMethod method = scan::ServiceMethod::kTable;
  std::uint8_t confidence = 3;
  // nmap's VERSION column: "product version (extrainfo)", every part present; "" without
  // detection. Raw text from the peer: callers escape it for their format.
  std::string version_text;
  const scan::ServiceInfo* detected = nullptr;  // the full record when detection ran
};

ServiceView serviceView(const scan::PortRecord& record, const registry::PortRegistry& registry);

// nmap's text spelling of a service: "ssl/http" inside TLS, "unknown" when nameless.
std::string displayServiceName(const ServiceView& view);

// Bytes from a peer as printable ASCII that keeps them exact: printable ASCII stays, a
// backslash doubles, \r \n \t are spelled so, every other byte is \xNN. Reversible, safe for a
// terminal, valid UTF-8 for JSON.
std::string escapeBytes(std::string_view bytes);

}  // namespace portlens::output
