#include "server/web_assets.h"

#include <utility>

namespace portlens::server {

std::optional<std::string_view> webContentType(std::string_view path) {
  // ES modules must come with a JavaScript type (browsers refuse others under nosniff).
  constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".svg", "image/svg+xml"},
  };
  for (const auto& [extension, type] : kTypes) {
    if (path.size() > extension.size() && path.ends_with(extension)) return type;
  }
  return std::nullopt;
}

std::optional<WebAsset> findWebAsset(std::string_view path) {
  for (const auto& file : webFiles()) {
    if (file.path != path) continue;
    auto type = webContentType(path);
    if (!type) return std::nullopt;
    return WebAsset{*type, file.body};
  }
  return std::nullopt;
}

}  // namespace portlens::server
