# Every C file of components/homebase and components/radio_link, compiled for rv32 with the Linux
# build's warnings, so a file that stops building for the target shows here. The programs link only
# the objects they call (the engines, the core's C side, hex and logging); the rest (files, HTTP
# glue, spool) needs ESP-IDF's file system and network, which only the device has.
file(GLOB RADIO_LINK_SOURCES "${RADIO_LINK_DIR}/*.c")
add_library(radio_link STATIC ${RADIO_LINK_SOURCES})
target_include_directories(radio_link PUBLIC "${RADIO_LINK_DIR}/include")
target_compile_options(radio_link PRIVATE ${HB_WARNINGS})

# core.wasm's bytes for the interpreting engine, which linux/engine_select.c hands to wasm3.
set(GENERATED_BYTES "${CMAKE_CURRENT_BINARY_DIR}/generated/core_wasm_bytes.c")
add_custom_command(
    OUTPUT "${GENERATED_BYTES}"
    COMMAND "${CMAKE_COMMAND}" -DINPUT=${CORE_WASM} -DOUTPUT=${GENERATED_BYTES}
            -P "${LINUX_DIR}/embed_bytes.cmake"
    DEPENDS "${CORE_WASM}" "${LINUX_DIR}/embed_bytes.cmake"
    COMMENT "embedding core.wasm for the interpreting engine")

file(GLOB HOMEBASE_SOURCES "${HOMEBASE_DIR}/*.c")
# wasm3's engine joins in wasm3.cmake. spool_layout.c and storage_walk.c list folders: picolibc has
# no directory API on bare metal (ESP-IDF's VFS has one), so they are the two files not built here.
list(REMOVE_ITEM HOMEBASE_SOURCES "${HOMEBASE_DIR}/engine_wasm3.c" "${HOMEBASE_DIR}/spool_layout.c"
     "${HOMEBASE_DIR}/storage_walk.c")
add_library(homebase STATIC ${HOMEBASE_SOURCES} "${LINUX_DIR}/engine_select.c"
            "${GENERATED_BYTES}")
target_include_directories(homebase PUBLIC "${HOMEBASE_DIR}/include" "${LINUX_DIR}")
target_link_libraries(homebase PUBLIC hb_wasm2c_module radio_link hb_sodium hb_cjson)
target_compile_options(homebase PRIVATE ${HB_WARNINGS})
