// Text from outside (hostnames, command lines, and above all what a remote peer sends:
// banners, certificate names) made safe to print and store. Shared by output (formats) and
// detect (service and TLS records), which is why it lives in core. Pure, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace portlens::core {

// Length of the valid UTF-8 sequence at text[i] and its code point, or 0 when the bytes there
// are not valid UTF-8 (truncated, overlong, surrogate or beyond U+10FFFF). i < text.size().
std::size_t decodeUtf8(std::string_view text, std::size_t i, char32_t& code_point);

// Replaces control bytes (C0, DEL) with "\xNN" so a hostname or command line cannot break a
// line-oriented format or send escape sequences to a terminal (nmap does the same).
std::string screenSafe(std::string_view text);

// For strings a remote peer chose (certificate fields, banners): at most `max_bytes` of the
// input are kept (cut on a character boundary, the cut marked with "..."); C0 and C1 controls,
// DEL and bytes that are not valid UTF-8 become "\xNN" per byte, and a backslash becomes "\\"
// so the escapes cannot be forged (kKeep: for text whose backslashes are already an escape
// syntax, such as OpenSSL's RFC 2253 names). The result is valid UTF-8 with no controls.
enum class Backslash { kEscape, kKeep };
std::string peerText(std::string_view text, std::size_t max_bytes,
                     Backslash backslash = Backslash::kEscape);

}  // namespace portlens::core
