# CPack DEB settings of `make deb` (included by packaging/CMakeLists.txt after the install
# rules). Package: build/<preset>/portlens_VERSION_amd64.deb.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME portlens)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The Portlens authors")
set(CPACK_PACKAGE_CONTACT
    "Portlens maintainers <maintainers@users.noreply.r-seed-f9456340.example>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR})
set(CPACK_STRIP_FILES TRUE)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "TCP port scanner, local socket inspector and web service")
# The extended description (CPack indents each line and turns empty ones into " .").
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Portlens answers three questions about TCP ports: what is open on a host or
network (portlens scan: a raw SYN scan or a connect scan, with service and
version detection), what is listening or connected on this machine
(portlens sockets, who, free, check, ephemeral), and what changed between
two looks. Every port it shows can be explained (portlens port 443).

portlens serve runs the same scans from a web page and a REST API, with a
persistent queue, API tokens and an abuse guard; this package runs it as
portlens.service (not enabled on install).")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The libraries the binary links are found by dpkg-shlibdeps (libc6, libssl3 today). libssl3
# is also named outright: OpenSSL may be loaded with dlopen (only -sV and TLS use it), and
# dpkg-shlibdeps cannot see a library that is opened at run time.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libssl3")
# SYN scans compile their packet filter with libpcap, opened with dlopen when one starts; a
# PostgreSQL store (--db postgresql://...) opens libpq with dlopen when it connects.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libpcap0.8, libpq5")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_SOURCE_DIR}/debian/conffiles ${CMAKE_CURRENT_SOURCE_DIR}/debian/postinst
    ${CMAKE_CURRENT_SOURCE_DIR}/debian/prerm ${CMAKE_CURRENT_SOURCE_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
# The install rules of this build tree; cpack builds nothing itself (measured: no preinstall
# step runs), so the deb target below depends on every installed file.
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};portlens;ALL;/")
include(CPack)

# `make deb`: the binary, its pages and completions, then the package.
add_custom_target(deb
  COMMAND ${CMAKE_CPACK_COMMAND} --config ${CMAKE_BINARY_DIR}/CPackConfig.cmake
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
  COMMENT "Debian package portlens_${PROJECT_VERSION}_amd64.deb"
  USES_TERMINAL)
add_dependencies(deb portlens portlens_package_files)
