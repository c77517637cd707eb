// Service detection's result (detect::ServiceResult, plus the TLS record) as the record a port
// carries (scan::ServiceInfo), with nmap's conventions: a probe's match is method "probed",
// conf 10; a peer that closed at once is "tcpwrapped" (probed, conf 8, as nmap writes it); an
// unidentified port takes the port table's name, method "table", conf 3. Pure; any thread.
// Part of portlens_scan_launcher (the glue above scan and detect).
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "detect/service_result.h"
#include "detect/tls/tls_record.h"
#include "scan/service_info.h"

namespace portlens::scan {

// `table_name`: the port's name in the port table ("" when it has none: "unknown").
std::shared_ptr<const ServiceInfo> toServiceInfo(const detect::ServiceResult& result,
                                                 const std::optional<detect::TlsRecord>& tls,
                                                 std::string_view table_name);

TlsInfo toTlsInfo(const detect::TlsRecord& record);

}  // namespace portlens::scan
