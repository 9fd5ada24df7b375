# Every C file of components/homebase and components/radio_link, compiled for rv32 with the Linux
# build's warnings, so a file that stops building for the target shows here. The programs link only
# the objects they call (the engines, the core's C side, hex and logging); the rest (files, HTTP
# glue, spool) needs ESP-IDF's file system and network, which only the device has.
file(GLOB RADIO_LINK_SOURCES "${RADIO_LINK_DIR}/*.c")
add_library(radio_link STATIC ${RADIO_LINK_SOURCES})
target_include_directories(radio_link PUBLIC "${RADIO_LINK_DIR}/include")
target_compile_options(radio_link PRIVATE ${HB_WARNINGS})

file(GLOB HOMEBASE_SOURCES "${HOMEBASE_DIR}/*.c")
# wasm3's engine joins in wasm3.cmake. spool.c and storage_walk.c list folders: picolibc has no
# directory API on bare metal (ESP-IDF's VFS has one), so they are the two files not built here.
list(REMOVE_ITEM HOMEBASE_SOURCES "${HOMEBASE_DIR}/engine_wasm3.c" "${HOMEBASE_DIR}/spool.c"
     "${HOMEBASE_DIR}/storage_walk.c")
add_library(homebase STATIC ${HOMEBASE_SOURCES} "${LINUX_DIR}/engine_select.c")
target_include_directories(homebase PUBLIC "${HOMEBASE_DIR}/include" "${LINUX_DIR}")
target_link_libraries(homebase PUBLIC hb_wasm2c_module radio_link hb_sodium hb_cjson)
target_compile_options(homebase PRIVATE ${HB_WARNINGS})
