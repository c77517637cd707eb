// Prometheus' text exposition format, version 0.0.4 (what Prometheus and promtool read):
//   # HELP name text
//   # TYPE name counter|gauge|histogram
//   name{label="value",...} 42
// Histograms become cumulative name_bucket{...,le="..."} lines ending with le="+Inf", then
// name_sum and name_count (equal to the +Inf bucket). Pure: called by the /metrics route on an
// HTTP thread with the registry's snapshot; no errors (every input renders).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "metrics/snapshot.h"

namespace portlens::metrics {

// "text/plain; version=0.0.4; charset=utf-8"
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string formatText(std::span<const FamilySnapshot> families);

// Label values: backslash, double quote and newline become \\, \" and \n. Bytes that are not
// valid UTF-8 become U+FFFD, since the format is UTF-8 and a label value may come from a
// callback that read it from elsewhere.
std::string escapeLabelValue(std::string_view value);
// HELP text: backslash and newline escaped (quotes are not, per the format).
std::string escapeHelp(std::string_view help);
// A sample value: whole numbers below 2^53 in full ("1234567"), others as formatGoFloat.
std::string formatValue(double value);
// Go's strconv.FormatFloat(v, 'g', -1, 64), as Go clients write bucket bounds (`le` is
// matched as a string): "0.0005", "3600", "1e+06", "1.5e-05", "+Inf", "-Inf", "NaN".
std::string formatGoFloat(double value);

}  // namespace portlens::metrics
