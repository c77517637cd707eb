#include "detect/version_template.h"

#include <limits>

namespace portlens::detect {
namespace {

constexpr std::size_t kUnset = std::numeric_limits<std::size_t>::max();  // PCRE2_UNSET

class TemplateReader {
 public:
  TemplateReader(std::string_view text, const TemplateErrorSink& fail) : text_(text), fail_(fail) {}

  VersionTemplate read() {
    VersionTemplate out;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '$' && readHelper(out)) continue;
      appendLiteral(out, text_[pos_++]);
    }
    return out;
  }

 private:
  static void appendLiteral(VersionTemplate& out, char c) {
    if (out.pieces.empty() || out.pieces.back().kind != TemplatePiece::Kind::kLiteral) {
      out.pieces.push_back({});
    }
    out.pieces.back().text.push_back(c);
  }

  bool startsWith(std::string_view prefix) const { return text_.substr(pos_).starts_with(prefix); }

  // A '$' that starts no helper is literal text, as in nmap.
  bool readHelper(VersionTemplate& out) {
    TemplatePiece piece;
    if (pos_ + 1 < text_.size() && text_[pos_ + 1] >= '1' && text_[pos_ + 1] <= '9') {
      piece.kind = TemplatePiece::Kind::kGroup;
      piece.group = text_[pos_ + 1] - '0';
      pos_ += 2;
    } else if (startsWith("$P(")) {
      pos_ += 3;
      piece.kind = TemplatePiece::Kind::kPrintable;
      piece.group = readGroup();
    } else if (startsWith("$SUBST(")) {
      pos_ += 7;
      piece.kind = TemplatePiece::Kind::kSubst;
      piece.group = readGroup();
      expectComma();
      piece.text = readQuoted();
      if (piece.text.empty()) fail_(pos_, "$SUBST needs a non-empty search string");
      expectComma();
      piece.replacement = readQuoted();
    } else if (startsWith("$I(")) {
      pos_ += 3;
      piece.group = readGroup();
      expectComma();
      std::string order = readQuoted();
      if (order != ">" && order != "<") fail_(pos_, "$I takes \">\" (big endian) or \"<\"");
      piece.kind =
          order == ">" ? TemplatePiece::Kind::kBigEndian : TemplatePiece::Kind::kLittleEndian;
    } else {
      return false;
    }
    if (piece.kind != TemplatePiece::Kind::kGroup) expect(')');
    out.pieces.push_back(std::move(piece));
    return true;
  }

  void skipSpaces() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }

  void expect(char c) {
    skipSpaces();
    if (pos_ >= text_.size() || text_[pos_] != c) {
      fail_(pos_, std::string("expected '") + c + "' in a version helper");
    }
    ++pos_;
  }
  void expectComma() { expect(','); }

  int readGroup() {
    skipSpaces();
    if (pos_ >= text_.size() || text_[pos_] < '1' || text_[pos_] > '9') {
      fail_(pos_, "expected a capture group number 1-9");
    }
    return text_[pos_++] - '0';
  }

  // "text" with C escapes (\\ \" \0 \n \r \t \xHH).
  std::string readQuoted() {
    skipSpaces();
    if (pos_ >= text_.size() || text_[pos_] != '"') fail_(pos_, "expected a quoted string");
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c == '\\') c = readEscape();
      out.push_back(c);
    }
    if (pos_ >= text_.size()) fail_(pos_, "unterminated quoted string");
    ++pos_;
    return out;
  }

  char readEscape() {
    if (pos_ >= text_.size()) fail_(pos_, "escape at end of text");
    char c = text_[pos_++];
    switch (c) {
      case '\\':
      case '"':
        return c;
      case '0':
        return '\0';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'x': {
        auto hex = [](char h) {
          if (h >= '0' && h <= '9') return h - '0';
          if (h >= 'a' && h <= 'f') return h - 'a' + 10;
          if (h >= 'A' && h <= 'F') return h - 'A' + 10;
          return -1;
        };
        int hi = pos_ < text_.size() ? hex(text_[pos_]) : -1;
        int lo = pos_ + 1 < text_.size() ? hex(text_[pos_ + 1]) : -1;
        if (hi < 0 || lo < 0) fail_(pos_, "\\x needs two hex digits");
        pos_ += 2;
        return static_cast<char>(hi * 16 + lo);
      }
      default:
        fail_(pos_ - 1, std::string("unknown escape \\") + c);
        return c;
    }
  }

  std::string_view text_;
  const TemplateErrorSink& fail_;
  std::size_t pos_ = 0;
};

// Appends `token` only when it fits whole, so an escape is never cut in half.
bool appendBounded(std::string& out, std::string_view token) {
  if (out.size() + token.size() > kMaxFieldBytes) return false;
  out.append(token);
  return true;
}

// Text from the peer: printable ASCII kept; backslash and everything else escaped, so the
// field is one safe line and an escape cannot be forged.
void appendText(std::string& out, std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : raw) {
    char buf[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
    bool ok;
    if (c == '\\') {
      ok = appendBounded(out, "\\\\");
    } else if (c >= 0x20 && c < 0x7f) {
      ok = appendBounded(out, std::string_view(reinterpret_cast<const char*>(&c), 1));
    } else {
      ok = appendBounded(out, std::string_view(buf, 4));
    }
    if (!ok) return;
  }
}

// A CPE component: lowercase unreserved characters, the rest percent-encoded.
void appendCpe(std::string& out, std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : raw) {
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                 c == '-' || c == '~';
    char buf[3] = {'%', kHex[c >> 4], kHex[c & 15]};
    std::string_view token =
        plain ? std::string_view(reinterpret_cast<const char*>(&c), 1) : std::string_view(buf, 3);
    if (!appendBounded(out, token)) return;
  }
}

std::string printableOnly(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (c >= 0x20 && c < 0x7f) out.push_back(c);
  }
  return out;
}

std::string substitute(std::string_view raw, const std::string& from, const std::string& to) {
  std::string out;
  std::size_t pos = 0;
  while (pos < raw.size()) {
    std::size_t hit = raw.find(from, pos);
    if (hit == std::string_view::npos) break;
    out.append(raw.substr(pos, hit - pos));
    out.append(to);
    pos = hit + from.size();
  }
  out.append(raw.substr(std::min(pos, raw.size())));
  return out;
}

std::optional<std::string> unpackInteger(std::string_view raw, bool big_endian) {
  if (raw.empty() || raw.size() > 8) return std::nullopt;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto byte = static_cast<unsigned char>(big_endian ? raw[i] : raw[raw.size() - 1 - i]);
    value = (value << 8) | byte;
  }
  return std::to_string(value);
}

}  // namespace

VersionTemplate parseVersionTemplate(std::string_view text, const TemplateErrorSink& fail) {
  return TemplateReader(text, fail).read();
}

std::optional<std::string_view> CaptureView::group(int n) const {
  auto index = static_cast<std::size_t>(n);
  if (index >= pair_count || offsets == nullptr) return std::nullopt;
  std::size_t start = offsets[2 * index];
  std::size_t end = offsets[2 * index + 1];
  if (start == kUnset || end == kUnset || start > end || end > subject.size()) return std::nullopt;
  return subject.substr(start, end - start);
}

std::optional<std::string> expandVersionTemplate(const VersionTemplate& tmpl,
                                                 const CaptureView& captures, FieldStyle style) {
  using Kind = TemplatePiece::Kind;
  std::string out;
  auto appendPeer = [&](std::string_view raw) {
    style == FieldStyle::kCpe ? appendCpe(out, raw) : appendText(out, raw);
  };
  for (const auto& piece : tmpl.pieces) {
    std::string_view raw = piece.kind == Kind::kLiteral
                               ? std::string_view{}
                               : captures.group(piece.group).value_or(std::string_view{});
    switch (piece.kind) {
      case Kind::kLiteral:
        // The file's own text; a CPE template's literal part carries its ':' separators.
        style == FieldStyle::kCpe ? (void)appendBounded(out, printableOnly(piece.text))
                                  : appendText(out, piece.text);
        break;
      case Kind::kGroup:
        appendPeer(raw);
        break;
      case Kind::kPrintable:
        appendPeer(printableOnly(raw));
        break;
      case Kind::kSubst:
        appendPeer(substitute(raw, piece.text, piece.replacement));
        break;
      case Kind::kBigEndian:
      case Kind::kLittleEndian: {
        auto number = unpackInteger(raw, piece.kind == Kind::kBigEndian);
        if (!number) return std::nullopt;
        appendBounded(out, *number);
        break;
      }
    }
  }
  return out;
}

}  // namespace portlens::detect
