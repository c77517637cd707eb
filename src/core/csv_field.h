// One CSV field as RFC 4180 writes it: quoted (with doubled quotes) only when it holds a
// comma, a quote or a line break. Shared by every CSV the tool writes (scans, sockets).
#pragma once

#include <string>
#include <string_view>

namespace portlens::core {

std::string csvField(std::string_view text);

}  // namespace portlens::core
