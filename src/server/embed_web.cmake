# Writes a C++ source holding every file of the page (web/: *.html, *.css, *.js, *.svg) as
# {"/relative/path", bytes} entries of webFiles() (server/web_assets.h).
#   cmake -DWEB_DIR=web -DOUTPUT=web_files.cpp -P embed_web.cmake
# Raw string literals, as in src/registry/embed_text.cmake; the delimiter is checked so a file
# can never close its literal early. src/server/CMakeLists.txt globs the same patterns for
# the dependencies, so a new file under web/ is served after the next build.
foreach(var WEB_DIR OUTPUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_web.cmake: ${var} is not set")
  endif()
endforeach()

set(delimiter "portlens_embed")
file(GLOB_RECURSE files RELATIVE "${WEB_DIR}" "${WEB_DIR}/*.html" "${WEB_DIR}/*.css"
     "${WEB_DIR}/*.js" "${WEB_DIR}/*.svg")
list(SORT files)
set(entries "")
foreach(file IN LISTS files)
  file(READ "${WEB_DIR}/${file}" content)
  string(FIND "${content}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "embed_web.cmake: web/${file} contains the raw-string delimiter")
  endif()
  string(APPEND entries "    {\"/${file}\", R\"${delimiter}(${content})${delimiter}\"},\n")
endforeach()

set(generated "// Generated from web/ by src/server/embed_web.cmake; do not edit.
#include \"server/web_assets.h\"

namespace portlens::server {

std::span<const WebFile> webFiles() {
  static constexpr WebFile kFiles[] = {
${entries}  };
  return kFiles;
}

}  // namespace portlens::server
")

include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/write_if_changed.cmake)
portlens_write_if_changed("${OUTPUT}" "${generated}")
