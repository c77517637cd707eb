#include "metrics/text_format.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace portlens::metrics {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one (overlong forms,
// surrogates and code points past U+10FFFF included).
std::size_t utf8Length(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  unsigned min = 0;
  unsigned cp = 0;
  if (b < 0x80) return 1;
  if ((b & 0xE0) == 0xC0) {
    n = 2, min = 0x80, cp = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    n = 3, min = 0x800, cp = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    n = 4, min = 0x10000, cp = b & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

void appendLabels(std::string& out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, const char* le = nullptr) {
  if (names.empty() && le == nullptr) return;
  out += '{';
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    out += escapeLabelValue(values[i]);
    out += '"';
  }
  if (le != nullptr) {
    if (!names.empty()) out += ',';
    out += "le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

void appendLine(std::string& out, std::string_view name, std::string_view suffix,
                const std::vector<std::string>& names, const std::vector<std::string>& values,
                double value, const char* le = nullptr) {
  out += name;
  out += suffix;
  appendLabels(out, names, values, le);
  out += ' ';
  out += formatValue(value);
  out += '\n';
}

void appendHistogram(std::string& out, const FamilySnapshot& family, const HistogramSample& h) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < h.bucket_counts.size(); ++i) {
    cumulative += h.bucket_counts[i];
    const std::string le = i < h.upper_bounds.size() ? formatGoFloat(h.upper_bounds[i]) : "+Inf";
    appendLine(out, family.name, "_bucket", family.label_names, h.label_values,
               static_cast<double>(cumulative), le.c_str());
  }
  appendLine(out, family.name, "_sum", family.label_names, h.label_values, h.sum);
  appendLine(out, family.name, "_count", family.label_names, h.label_values,
             static_cast<double>(cumulative));
}

const char* typeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

std::string escapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size();) {
    const char c = value[i];
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else if (const auto n = utf8Length(value, i); n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
    } else {
      out.append(value.substr(i, n));
      i += n;
      continue;
    }
    ++i;
  }
  return out;
}

std::string escapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string formatValue(double value) {
  // Whole numbers (counters, most gauges) in full, as people read them; 2^53 keeps them exact.
  if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 0x1p53) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  return formatGoFloat(value);
}

std::string formatGoFloat(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Go's strconv.FormatFloat(v, 'g', -1, 64): shortest digits, scientific when the decimal
  // exponent is below -4 or at least 6 (Go clients spell bucket bounds this way, and `le` is
  // compared as a string).
  char buffer[64];
  auto sci = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  const std::string_view text(buffer, static_cast<std::size_t>(sci.ptr - buffer));
  const int exponent = std::stoi(std::string(text.substr(text.find('e') + 1)));
  if (exponent < -4 || exponent >= 6) return std::string(text);
  auto fixed = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  return std::string(buffer, fixed.ptr);
}

std::string formatText(std::span<const FamilySnapshot> families) {
  std::string out;
  for (const auto& family : families) {
    out += "# HELP ";
    out += family.name;
    out += ' ';
    out += escapeHelp(family.help);
    out += "\n# TYPE ";
    out += family.name;
    out += ' ';
    out += typeName(family.type);
    out += '\n';
    if (family.type == MetricType::kHistogram) {
      for (const auto& h : family.histograms) appendHistogram(out, family, h);
    } else {
      for (const auto& s : family.samples) {
        appendLine(out, family.name, "", family.label_names, s.label_values, s.value);
      }
    }
  }
  return out;
}

}  // namespace portlens::metrics
