#include "output/formatter.h"

#include <string>

#include "core/error.h"
#include "output/csv_formatter.h"
#include "output/grep_formatter.h"
#include "output/json_formatter.h"
#include "output/ndjson_formatter.h"
#include "output/text_formatter.h"
#include "output/xml_formatter.h"

namespace portlens::output {

Format parseFormat(std::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "json") return Format::kJson;
  if (name == "ndjson") return Format::kNdjson;
  if (name == "csv") return Format::kCsv;
  if (name == "xml") return Format::kXml;
  if (name == "grep") return Format::kGrep;
  throw core::UsageError("unknown output format '" + std::string(name) +
                         "' (expected text, json, ndjson, csv, xml or grep)");
}

std::unique_ptr<Formatter> makeFormatter(Format format, std::ostream& out,
                                         const registry::PortRegistry& registry,
                                         const FormatOptions& options) {
  switch (format) {
    case Format::kText:
      return std::make_unique<TextFormatter>(out, registry, options);
    case Format::kJson:
      return std::make_unique<JsonFormatter>(out, registry);
    case Format::kNdjson:
      return std::make_unique<NdjsonFormatter>(out, registry);
    case Format::kCsv:
      return std::make_unique<CsvFormatter>(out, registry);
    case Format::kXml:
      return std::make_unique<XmlFormatter>(out, registry, options);
    case Format::kGrep:
      return std::make_unique<GrepFormatter>(out, registry, options);
  }
  return std::make_unique<TextFormatter>(out, registry, options);  // unreachable
}

}  // namespace portlens::output
