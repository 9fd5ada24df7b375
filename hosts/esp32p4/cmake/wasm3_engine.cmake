# The wasm3 engine, shared by the Linux build and the rv32 target build: only when WASM3_SOURCE_DIR
# names a wasm3 tree. wasm3's own source/CMakeLists.txt builds its library (target m3); none of its
# code is in this repository. Expects the `homebase` library and HOMEBASE_DIR; sets HB_ENGINES.
if(WASM3_SOURCE_DIR)
    if(NOT EXISTS "${WASM3_SOURCE_DIR}/source/CMakeLists.txt")
        message(FATAL_ERROR "WASM3_SOURCE_DIR=${WASM3_SOURCE_DIR} has no source/CMakeLists.txt")
    endif()
    add_subdirectory("${WASM3_SOURCE_DIR}/source" wasm3 EXCLUDE_FROM_ALL)
    target_compile_options(m3 PRIVATE -w)
    target_sources(homebase PRIVATE "${HOMEBASE_DIR}/engine_wasm3.c")
    target_link_libraries(homebase PUBLIC m3 m)
    target_compile_definitions(homebase PUBLIC HB_HAVE_WASM3=1)
    set(HB_ENGINES wasm2c wasm3)
    message(STATUS "wasm3 engine: built from ${WASM3_SOURCE_DIR}")
else()
    set(HB_ENGINES wasm2c)
    message(STATUS "wasm3 engine: skipped (set WASM3_SOURCE_DIR to a wasm3 source tree to build it)")
endif()
