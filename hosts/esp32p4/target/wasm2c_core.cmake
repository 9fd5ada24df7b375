# core.wasm translated to C by Debian wabt's wasm2c, as the Linux build does, with wabt's runtime.
# Bare metal has no mmap and no signals: the runtime is built with explicit bounds checks
# (WASM_RT_MEMCHECK_SIGNAL_HANDLER=0, linear memory from calloc), and include/sys/mman.h stands in
# for the header it includes anyway.
find_program(WASM2C_PROGRAM wasm2c REQUIRED)
find_file(WASM_RT_IMPL_SOURCE wasm-rt-impl.c PATHS /usr/share/wabt/wasm2c /usr/src/wasm2c
          NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH REQUIRED)
find_file(WASM_RT_HEADER wasm-rt.h PATHS /usr/src/wasm2c /usr/share/wabt/wasm2c
          NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH REQUIRED)
get_filename_component(WASM_RT_IMPL_DIR "${WASM_RT_IMPL_SOURCE}" DIRECTORY)
get_filename_component(WASM_RT_HEADER_DIR "${WASM_RT_HEADER}" DIRECTORY)

set(GENERATED_DIR "${CMAKE_CURRENT_BINARY_DIR}/generated")
file(MAKE_DIRECTORY "${GENERATED_DIR}")
# wabt 1.0.32 names the module after the input file: core.wasm -> Z_core_*.
add_custom_command(
    OUTPUT "${GENERATED_DIR}/core.c" "${GENERATED_DIR}/core.h"
    COMMAND "${CMAKE_COMMAND}" -E copy "${CORE_WASM}" "${GENERATED_DIR}/core.wasm"
    COMMAND "${WASM2C_PROGRAM}" "${GENERATED_DIR}/core.wasm" -o "${GENERATED_DIR}/core.c"
    DEPENDS "${CORE_WASM}"
    COMMENT "wasm2c: translating core.wasm to C")

add_library(hb_wasm2c_module STATIC "${GENERATED_DIR}/core.c" "${WASM_RT_IMPL_SOURCE}")
target_include_directories(hb_wasm2c_module PUBLIC "${GENERATED_DIR}" "${WASM_RT_IMPL_DIR}"
                           "${WASM_RT_HEADER_DIR}")
target_include_directories(hb_wasm2c_module PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}/include")
target_compile_definitions(hb_wasm2c_module PUBLIC WASM_RT_MEMCHECK_SIGNAL_HANDLER=0)
# The runtime calls alloca, which glibc's stdlib.h declares and picolibc's does not.
target_compile_definitions(hb_wasm2c_module PRIVATE alloca=__builtin_alloca)
target_compile_options(hb_wasm2c_module PRIVATE -w)
target_link_libraries(hb_wasm2c_module PUBLIC m)
