# The Debian package: install rules for everything the .deb holds, and the CPack DEB settings.
# Included from the top-level CMakeLists.txt after the targets exist. Build the package with
#   cmake --build --preset dev && (cd build/dev && cpack -G DEB)
# tests/packaging/check_deb.sh builds it the same way and checks what it holds.

set(SPILLWAY_PACKAGING_DIR ${CMAKE_CURRENT_LIST_DIR})

# The manual is generated from --help so it never falls behind the options (Debian: help2man);
# the PNG icons are rendered from the one SVG (Debian: librsvg2-bin). Both are in
# packaging/debian-packages.txt; without them the package simply lacks the manual or the PNGs,
# and the packaging test says which file is missing.
find_program(SPILLWAY_HELP2MAN help2man)
find_program(SPILLWAY_RSVG_CONVERT rsvg-convert)
find_program(SPILLWAY_GZIP gzip)

set(SPILLWAY_GENERATED_DIR ${CMAKE_BINARY_DIR}/packaging)
set(SPILLWAY_PACKAGE_FILES)

if(SPILLWAY_HELP2MAN AND SPILLWAY_GZIP)
  set(manual ${SPILLWAY_GENERATED_DIR}/spillway.1)
  add_custom_command(
    OUTPUT ${manual}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${SPILLWAY_GENERATED_DIR}
    COMMAND ${SPILLWAY_HELP2MAN} --no-info --section=1
            --include=${SPILLWAY_PACKAGING_DIR}/spillway.h2m
            --output=${manual} $<TARGET_FILE:spillway>
    # -n: no name or time stamp in the archive, so the package is the same for the same input.
    COMMAND ${SPILLWAY_GZIP} -9nf ${manual}
    DEPENDS spillway ${SPILLWAY_PACKAGING_DIR}/spillway.h2m
    COMMENT "Generating the spillway(1) manual from --help"
    VERBATIM)
  list(APPEND SPILLWAY_PACKAGE_FILES ${manual}.gz)
  install(FILES ${manual}.gz DESTINATION share/man/man1)
else()
  message(WARNING "help2man or gzip not found: the package will have no manual page")
endif()

install(FILES ${CMAKE_SOURCE_DIR}/resources/spillway.svg
        DESTINATION share/icons/hicolor/scalable/apps)
if(SPILLWAY_RSVG_CONVERT)
  foreach(size 48 256)
    set(icon ${SPILLWAY_GENERATED_DIR}/icons/${size}/spillway.png)
    add_custom_command(
      OUTPUT ${icon}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${SPILLWAY_GENERATED_DIR}/icons/${size}
      COMMAND ${SPILLWAY_RSVG_CONVERT} --width=${size} --height=${size}
              --output=${icon} ${CMAKE_SOURCE_DIR}/resources/spillway.svg
      DEPENDS ${CMAKE_SOURCE_DIR}/resources/spillway.svg
      COMMENT "Rendering the ${size}x${size} icon"
      VERBATIM)
    list(APPEND SPILLWAY_PACKAGE_FILES ${icon})
    install(FILES ${icon} DESTINATION share/icons/hicolor/${size}x${size}/apps)
  endforeach()
else()
  message(WARNING "rsvg-convert not found: the package will have only the SVG icon")
endif()
add_custom_target(spillway_package_files ALL DEPENDS ${SPILLWAY_PACKAGE_FILES})

install(FILES ${SPILLWAY_PACKAGING_DIR}/spillway.desktop DESTINATION share/applications)
# Debian 12 keeps packaged units and sysusers snippets under /lib and /usr/lib.
install(FILES ${SPILLWAY_PACKAGING_DIR}/spillway.service DESTINATION /lib/systemd/system)
install(FILES ${SPILLWAY_PACKAGING_DIR}/spillway.sysusers DESTINATION /usr/lib/sysusers.d
        RENAME spillway.conf)
# The configuration file and the Grafana dashboard come from the service work; the guards keep
# this file usable on a tree that does not have them yet.
set(SPILLWAY_CONFFILES "")
if(EXISTS ${SPILLWAY_PACKAGING_DIR}/spillway.conf)
  install(FILES ${SPILLWAY_PACKAGING_DIR}/spillway.conf DESTINATION /etc/spillway)
  # A conffile: dpkg keeps an operator's edits on upgrade and asks before replacing them.
  string(APPEND SPILLWAY_CONFFILES "/etc/spillway/spillway.conf\n")
endif()
file(WRITE ${SPILLWAY_GENERATED_DIR}/conffiles "${SPILLWAY_CONFFILES}")
if(EXISTS ${SPILLWAY_PACKAGING_DIR}/grafana/spillway-dashboard.json)
  install(FILES ${SPILLWAY_PACKAGING_DIR}/grafana/spillway-dashboard.json
          DESTINATION share/spillway/grafana)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME spillway)
set(CPACK_PACKAGE_VENDOR "Spillway")
set(CPACK_PACKAGE_CONTACT "Spillway maintainers <spillway@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Kafka to PostgreSQL ingestion engine with an operations console")
set(CPACK_PACKAGE_DESCRIPTION
    "Spillway consumes Kafka topics in batches, buffers them in a bounded queue and writes them to
PostgreSQL with concurrent bulk writers, committing offsets only once the data is durable. What
cannot be stored goes to a dead-letter table that the console can browse, edit and replay.
The package holds the console, the headless engine as a systemd service, its manual and a
Grafana dashboard for its Prometheus metrics.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies are read off the binary by dpkg-shlibdeps (Debian: dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# adduser: the postinst falls back to it where systemd-sysusers is absent.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
# The embedded demo starts a private PostgreSQL server from these binaries.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql-15")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${SPILLWAY_PACKAGING_DIR}/debian/postinst
    ${SPILLWAY_PACKAGING_DIR}/debian/prerm
    ${SPILLWAY_PACKAGING_DIR}/debian/postrm
    ${SPILLWAY_GENERATED_DIR}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
