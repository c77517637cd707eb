// Makes arbitrary bytes safe inside XML 1.0 attributes, text and comments. Hostnames and
// command lines come from the user and may hold markup characters, control bytes or bytes
// that are not UTF-8; the document must stay well-formed whatever they contain.
#pragma once

#include <string>
#include <string_view>

namespace portlens::output {

// For attribute values and text content: & < > " ' become entities; tab, newline and carriage
// return become character references (so attribute values keep them); characters XML 1.0
// forbids even as references, and bytes that are not valid UTF-8, become the literal text
// "\xNN" (nmap's protect_xml does the same).
std::string xmlEscape(std::string_view text);

// For the inside of <!-- -->: as xmlEscape, and "--" (forbidden in comments) is broken up the
// way nmap does it, as "-&#45;".
std::string xmlCommentText(std::string_view text);

}  // namespace portlens::output
