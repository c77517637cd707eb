# Libraries linked statically, so a subcommand does not pay the dynamic loader for them at
# start (measured decisions in docs/architecture.md: `portlens port 80` went from 4.5x to
# about the cost of `ss -tan`). Included once from the top-level CMakeLists.txt; the
# subsystems keep linking the usual names (fmt::fmt, SQLite::SQLite3, uring, cap).
#   fmt      Debian ships no libfmt.a: fmt's compiled part is built here (cmake/fmt_format.cpp)
#            and fmt::fmt is an alias of it (find_package(fmt) is not called).
#   sqlite3, uring, cap, pcre2-8: Debian's static archives, as imported targets of the same
#            names (pcre2-8: -sV's patterns; measured: libpcre2-8.so mapped at every start).
# OpenSSL is not here: a static copy would miss Debian's security updates. Nothing links it:
# -sV's TLS code loads libssl.so.3 with dlopen when a scan first needs it
# (src/detect/tls/openssl_api; see docs/architecture.md). libstdc++ and libgcc are linked
# statically by the portlens executable itself (apps/portlens/CMakeLists.txt).

find_path(PORTLENS_FMT_INCLUDE_DIR fmt/format-inl.h REQUIRED)
add_library(portlens_fmt STATIC ${CMAKE_CURRENT_LIST_DIR}/fmt_format.cpp)
# The headers are in the default include path. FMT_SHARED, as Debian's fmt::fmt sets it, only
# gives FMT_API default visibility on Linux; kept so every user compiles exactly as before.
target_compile_definitions(portlens_fmt PUBLIC FMT_SHARED)
set_target_properties(portlens_fmt PROPERTIES POSITION_INDEPENDENT_CODE ON)
add_library(fmt::fmt ALIAS portlens_fmt)

foreach(lib uring cap pcre2-8)
  find_library(PORTLENS_${lib}_ARCHIVE NAMES lib${lib}.a REQUIRED)
  add_library(${lib} STATIC IMPORTED GLOBAL)
  set_target_properties(${lib} PROPERTIES IMPORTED_LOCATION ${PORTLENS_${lib}_ARCHIVE})
endforeach()

# FindSQLite3 (called again in src/store) keeps an existing SQLite::SQLite3 target.
find_package(SQLite3 REQUIRED)
find_library(PORTLENS_sqlite3_ARCHIVE NAMES libsqlite3.a REQUIRED)
set_target_properties(SQLite::SQLite3 PROPERTIES IMPORTED_LOCATION ${PORTLENS_sqlite3_ARCHIVE}
                      INTERFACE_LINK_LIBRARIES "Threads::Threads;m;${CMAKE_DL_LIBS}")
