# SPDX-License-Identifier: GPL-3.0-or-later
# CPack: two Debian packages, `batchmon` (component app) and `batchmon-server` (component server), and
# one .tar.gz with both. tools/package builds them; packaging/README.md explains the dependencies.

set(BATCHMON_PACKAGE_MAINTAINER "batchmon maintainers <maintainers@users.noreply.r-seed-1c165d91.example>"
    CACHE STRING "Maintainer field of the Debian packages")

set(CPACK_PACKAGE_NAME batchmon)
set(CPACK_PACKAGE_VENDOR "batchmon")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${BATCHMON_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${BATCHMON_HOMEPAGE}")
set(CPACK_GENERATOR DEB TGZ)
set(CPACK_STRIP_FILES ON)
# /etc/default/batchmon-server is installed by absolute path: stage everything under DESTDIR, so that
# it lands in the package and not on the building machine.
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
# Only the two components: nothing else the build might install (tests, benchmarks) is packaged.
set(CPACK_COMPONENTS_ALL app server)

# The .tar.gz: one archive with both components, laid out from / (usr/bin/…, etc/default/…).
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${BATCHMON_HOMEPAGE}")

# What is loaded at run time and so not seen by dpkg-shlibdeps: Qt's SQL drivers and SVG icon engine
# are plugins, QtKeychain dlopen()s libsecret. The xcb, offscreen and minimal platform plugins come
# with libqt6gui6, which shlibdeps adds (Debian's qt6-qpa-plugins holds only vnc and tuiotouch, so it
# is not needed); qt6-wayland adds Wayland.
set(CPACK_DEBIAN_APP_PACKAGE_NAME batchmon)
set(CPACK_DEBIAN_APP_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_APP_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6svg6, libsecret-1-0")
set(CPACK_DEBIAN_APP_PACKAGE_RECOMMENDS "gnome-keyring | kwalletmanager, qt6-wayland, qt6-translations-l10n")
set(CPACK_DEBIAN_APP_PACKAGE_SUGGESTS "batchmon-server")
# Each description: its first line is the package's summary, the rest its long description.
set(CPACK_COMPONENT_APP_DESCRIPTION "desktop dashboard for LLM batch-processing pipelines
batchmon shows the batch jobs, queues, throughput, success and error rates,
cost and savings of an LLM batch pipeline (OpenAI Batch API style), with
admin actions (retry, cancel, pause, resume, priority), the pipeline's
configuration, alert rules with desktop notifications, JSON/CSV/PDF exports
(also headless: batchmon export) and offline review of exports.

It opens on a simulated demo workspace; batchmon-server is the server it
talks to. Server tokens are kept in the desktop's keychain (Secret Service).")

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME batchmon-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6sql6-psql, adduser")
set(CPACK_COMPONENT_SERVER_DESCRIPTION "REST API server for batchmon
batchmon-server serves the batch-monitoring REST API that batchmon speaks,
over SQLite or PostgreSQL: jobs, queues, throughput, cost, admin actions,
the pipeline's configuration and alert rules, with hashed bearer tokens,
roles, a per-token rate limit and an audit log. It can run a simulated
OpenAI-style pipeline.

The systemd unit is installed disabled; see batchmon-server(8).")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_LIST_DIR}/debian/postinst
    ${CMAKE_CURRENT_LIST_DIR}/debian/prerm
    ${CMAKE_CURRENT_LIST_DIR}/debian/postrm
    ${CMAKE_CURRENT_LIST_DIR}/debian/conffiles)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
