# SPDX-License-Identifier: GPL-3.0-or-later
# The server's parts that need no HTTP, as a library so the tests link them without batchmon-server's
# main(). Included from server/CMakeLists.txt; more server sources join it as they arrive.
add_library(batchmon_server_lib STATIC
    ${CMAKE_CURRENT_LIST_DIR}/RateLimiter.cpp ${CMAKE_CURRENT_LIST_DIR}/RateLimiter.h
    ${CMAKE_CURRENT_LIST_DIR}/TokenStore.cpp ${CMAKE_CURRENT_LIST_DIR}/TokenStore.h
)
target_link_libraries(batchmon_server_lib PUBLIC batchmon_store PRIVATE batchmon_options)
target_include_directories(batchmon_server_lib PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
