// How the store keeps a port's ServiceInfo: one JSON text per result row. Pure, thread-safe.
//
// The text round-trips exactly: every field, every TLS field, and raw bytes. JSON strings must
// be UTF-8, so the banner is always stored as hex ("banner_hex"), and any other string that is
// not valid UTF-8 (a product a peer's bytes filled in) is stored as {"hex": "..."}.
//
// Called by ScanStore::appendResults (encode) and ScanStore::results (decode). The stored text
// is trusted no more than any file: decode checks every type and returns null, never throws,
// on anything it did not write (a corrupt or hand-edited database, a newer format).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "scan/service_info.h"

namespace portlens::store {

std::string encodeService(const scan::ServiceInfo& info);

// nullptr when `text` is empty, malformed, too large or not this codec's format.
std::shared_ptr<const scan::ServiceInfo> decodeService(std::string_view text);

}  // namespace portlens::store
