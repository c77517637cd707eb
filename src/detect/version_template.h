// Version templates of match lines (p/ v/ i/ h/ o/ d/ and cpe:/.../): literal text with the
// helpers of the nmap-service-probes format
//   $1..$9                 the capture group, control bytes escaped
//   $P(n)                  the capture group's printable ASCII only (drops NULs of UTF-16)
//   $SUBST(n,"from","to")  the capture group with every "from" replaced by "to"
//   $I(n,">") / $I(n,"<")  the capture group (1..8 bytes) as an unsigned big/little-endian integer
// parseVersionTemplate runs at load time (errors carry the column); expandVersionTemplate runs
// per match on hostile bytes: its output is bounded and holds printable ASCII only.
// Pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portlens::detect {

struct TemplatePiece {
  enum class Kind { kLiteral, kGroup, kPrintable, kSubst, kBigEndian, kLittleEndian };
  Kind kind = Kind::kLiteral;
  int group = 0;            // 1..9 for every kind but kLiteral
  std::string text;         // kLiteral: the text; kSubst: "from"
  std::string replacement;  // kSubst: "to"
};

struct VersionTemplate {
  std::vector<TemplatePiece> pieces;
  bool empty() const { return pieces.empty(); }
};

// Longest expanded field; nmap's own fields are at most a few hundred bytes.
inline constexpr std::size_t kMaxFieldBytes = 256;

// Calls `fail(offset, message)` (offset into `text`) for a malformed helper; `fail` throws.
using TemplateErrorSink = std::function<void(std::size_t offset, const std::string& message)>;
VersionTemplate parseVersionTemplate(std::string_view text, const TemplateErrorSink& fail);

// Capture groups of one successful match: group n is subject[start, end) when set.
struct CaptureView {
  std::string_view subject;
  const std::size_t* offsets = nullptr;  // pairs (start, end), as PCRE2's ovector
  std::size_t pair_count = 0;
  std::optional<std::string_view> group(int n) const;
};

enum class FieldStyle { kText, kCpe };

// The expanded field, or nothing when a helper cannot apply (e.g. $I over more than 8 bytes),
// in which case the field is left out as nmap does. kCpe lowercases substituted text and
// percent-encodes what a CPE component cannot hold.
std::optional<std::string> expandVersionTemplate(const VersionTemplate& tmpl,
                                                 const CaptureView& captures, FieldStyle style);

}  // namespace portlens::detect
