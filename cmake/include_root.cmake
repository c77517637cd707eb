# Per-library include roots: a library (and whoever links it) sees the headers of the libraries
# it links, and no others, so header-only code cannot cross a layering boundary either.
#
# portlens_include_root(<target> <folder> [FILES <header>...])
#   Makes ${CMAKE_BINARY_DIR}/include/<target>/<folder> a symlink to src/<folder> and adds
#   ${CMAKE_BINARY_DIR}/include/<target> to the target's PUBLIC include directories, so
#   `#include "<folder>/x.h"` keeps working for the library, its dependents (through
#   target_link_libraries PUBLIC) and its tests. With FILES, only the named headers (paths
#   relative to src/<folder>) are linked, for a library that owns part of a folder
#   (portlens_scan_records exposes scan/records.h, not the engine).
#
# A new src/<folder> needs one line after its add_library():
#   portlens_include_root(portlens_<folder> <folder>)
# plus its row in the dependency table of docs/architecture.md (tests/lint/layering.py).
function(portlens_include_root target folder)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "FILES")
  set(root ${CMAKE_BINARY_DIR}/include/${target})
  set(source ${PROJECT_SOURCE_DIR}/src/${folder})
  if(arg_FILES)
    foreach(header IN LISTS arg_FILES)
      get_filename_component(dir ${root}/${folder}/${header} DIRECTORY)
      file(MAKE_DIRECTORY ${dir})
      file(CREATE_LINK ${source}/${header} ${root}/${folder}/${header} SYMBOLIC)
    endforeach()
  else()
    get_filename_component(dir ${root}/${folder} DIRECTORY)
    file(MAKE_DIRECTORY ${dir})
    file(CREATE_LINK ${source} ${root}/${folder} SYMBOLIC)
  endif()
  target_include_directories(${target} PUBLIC ${root})
endfunction()
