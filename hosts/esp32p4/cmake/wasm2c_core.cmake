# core.wasm translated to C by Debian wabt's wasm2c, with wabt's runtime: the library
# hb_wasm2c_module, shared by the Linux build and the rv32 target build. Expects CORE_WASM; sets
# GENERATED_DIR. wabt 1.0.32 names the module after the input file: core.wasm -> Z_core_*.
# Generated and third-party runtime code: built without our warnings or sanitizers, with explicit
# bounds checks instead of the 8 GiB reservation and SIGSEGV handler.
find_program(WASM2C_PROGRAM wasm2c REQUIRED)
find_file(WASM_RT_IMPL_SOURCE wasm-rt-impl.c PATHS /usr/share/wabt/wasm2c /usr/src/wasm2c
          NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH REQUIRED)
find_file(WASM_RT_HEADER wasm-rt.h PATHS /usr/src/wasm2c /usr/share/wabt/wasm2c
          NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH REQUIRED)
get_filename_component(WASM_RT_IMPL_DIR "${WASM_RT_IMPL_SOURCE}" DIRECTORY)
get_filename_component(WASM_RT_HEADER_DIR "${WASM_RT_HEADER}" DIRECTORY)

set(GENERATED_DIR "${CMAKE_CURRENT_BINARY_DIR}/generated")
file(MAKE_DIRECTORY "${GENERATED_DIR}")
add_custom_command(
    OUTPUT "${GENERATED_DIR}/core.c" "${GENERATED_DIR}/core.h"
    COMMAND "${CMAKE_COMMAND}" -E copy "${CORE_WASM}" "${GENERATED_DIR}/core.wasm"
    COMMAND "${WASM2C_PROGRAM}" "${GENERATED_DIR}/core.wasm" -o "${GENERATED_DIR}/core.c"
    DEPENDS "${CORE_WASM}"
    COMMENT "wasm2c: translating core.wasm to C")

add_library(hb_wasm2c_module STATIC "${GENERATED_DIR}/core.c" "${WASM_RT_IMPL_SOURCE}")
target_include_directories(hb_wasm2c_module PUBLIC "${GENERATED_DIR}" "${WASM_RT_IMPL_DIR}"
                           "${WASM_RT_HEADER_DIR}")
target_compile_definitions(hb_wasm2c_module PUBLIC WASM_RT_MEMCHECK_SIGNAL_HANDLER=0)
target_compile_options(hb_wasm2c_module PRIVATE -w)
# The translated module calls libm (floorf, sqrt and the like) for the float instructions.
target_link_libraries(hb_wasm2c_module PUBLIC m)
