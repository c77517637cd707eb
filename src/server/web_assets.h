// The page, embedded at build time from web/ (no CDN, works offline). Generated sources.
#pragma once

#include <string_view>

namespace portlens::server {

std::string_view webIndexHtml();
std::string_view webAppJs();
std::string_view webAppCss();

}  // namespace portlens::server
