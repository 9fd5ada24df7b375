# The wasm2c engine in the ESP-IDF build (Home base > WebAssembly engine > wasm2c), included by
# this component's CMakeLists.txt. As in linux/CMakeLists.txt, core.wasm is translated to C at build
# time by the build machine's wabt (Debian's wabt 1.0.32 names the module after the input file:
# core.wasm -> Z_core_*). The runtime files wasm-rt-impl.c and wasm-rt.h also come from that wabt
# installation, so they are never in this repository.
#
# The runtime is built with explicit bounds checks (WASM_RT_MEMCHECK_SIGNAL_HANDLER=0): linear
# memory then comes from calloc, which SPIRAM_USE_MALLOC places in PSRAM. wasm-rt-impl.c includes
# <sys/mman.h> all the same, which ESP-IDF's newlib lacks; the stand-in of the rv32 target build
# (hosts/esp32p4/target/include) serves here too, since the runtime never calls it.
# NOTE: this path is compiled by no check on these machines; only an ESP-IDF build can show it links.
find_program(WASM2C_PROGRAM wasm2c)
find_file(WASM_RT_IMPL_SOURCE wasm-rt-impl.c PATHS /usr/share/wabt/wasm2c /usr/src/wasm2c
          NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
find_file(WASM_RT_HEADER wasm-rt.h PATHS /usr/src/wasm2c /usr/share/wabt/wasm2c /usr/include
          NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
if(NOT WASM2C_PROGRAM OR NOT WASM_RT_IMPL_SOURCE OR NOT WASM_RT_HEADER)
    message(FATAL_ERROR "the wasm2c engine needs wabt's wasm2c program and its runtime files "
                        "(wasm-rt-impl.c, wasm-rt.h) on the build machine: on Debian, "
                        "`apt-get install wabt`; or choose the wasm3 engine in menuconfig")
endif()
set(HB_MMAN_STAND_IN_DIR "${HB_REPO_ROOT}/hosts/esp32p4/target/include")
if(NOT EXISTS "${HB_MMAN_STAND_IN_DIR}/sys/mman.h")
    message(FATAL_ERROR "the wasm2c engine needs the <sys/mman.h> stand-in at "
                        "${HB_MMAN_STAND_IN_DIR}/sys/mman.h (part of the rv32 target build)")
endif()
get_filename_component(WASM_RT_IMPL_DIR "${WASM_RT_IMPL_SOURCE}" DIRECTORY)
get_filename_component(WASM_RT_HEADER_DIR "${WASM_RT_HEADER}" DIRECTORY)

set(HB_GENERATED_DIR "${CMAKE_CURRENT_BINARY_DIR}/generated")
file(MAKE_DIRECTORY "${HB_GENERATED_DIR}")
add_custom_command(
    OUTPUT "${HB_GENERATED_DIR}/core.c" "${HB_GENERATED_DIR}/core.h"
    COMMAND "${CMAKE_COMMAND}" -E copy "${CORE_WASM}" "${HB_GENERATED_DIR}/core.wasm"
    COMMAND "${WASM2C_PROGRAM}" "${HB_GENERATED_DIR}/core.wasm" -o "${HB_GENERATED_DIR}/core.c"
    DEPENDS "${CORE_WASM}"
    COMMENT "wasm2c: translating core.wasm to C")

target_sources(${COMPONENT_LIB} PRIVATE "engine_wasm2c.c" "${HB_GENERATED_DIR}/core.c"
               "${WASM_RT_IMPL_SOURCE}")
target_include_directories(${COMPONENT_LIB} PRIVATE "${HB_GENERATED_DIR}" "${WASM_RT_IMPL_DIR}"
                           "${WASM_RT_HEADER_DIR}")
target_compile_definitions(${COMPONENT_LIB} PRIVATE WASM_RT_MEMCHECK_SIGNAL_HANDLER=0)
# Generated and third-party code: built without warnings, so ESP-IDF's -Werror options do not apply.
# The runtime calls alloca, which newlib's stdlib.h does not declare.
set_source_files_properties("${HB_GENERATED_DIR}/core.c" "${WASM_RT_IMPL_SOURCE}"
                            PROPERTIES COMPILE_OPTIONS "-w;-Dalloca=__builtin_alloca")
set_source_files_properties("${WASM_RT_IMPL_SOURCE}" PROPERTIES
                            INCLUDE_DIRECTORIES "${HB_MMAN_STAND_IN_DIR}")
