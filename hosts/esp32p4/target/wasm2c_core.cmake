# core.wasm through wasm2c as the Linux build does (cmake/wasm2c_core.cmake), with what bare metal
# lacks: no mmap and no signals, so the runtime's bounds checks are explicit (linear memory from
# calloc), and include/sys/mman.h stands in for the header it includes anyway.
include("${REPO_ROOT}/hosts/esp32p4/cmake/wasm2c_core.cmake")
target_include_directories(hb_wasm2c_module PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}/include")
# The runtime calls alloca, which glibc's stdlib.h declares and picolibc's does not.
target_compile_definitions(hb_wasm2c_module PRIVATE alloca=__builtin_alloca)
