# The two programs QEMU runs: vector_runner (`make test-target`) and bench_target (`make bench-target`).
# The shared vector checks, also used by the Linux tests.
add_library(hb_vector_runs STATIC
    "${REPO_ROOT}/hosts/esp32p4/vector_runs/vector_run.c"
    "${REPO_ROOT}/hosts/esp32p4/vector_runs/vector_accept.c"
    "${REPO_ROOT}/hosts/esp32p4/vector_runs/vector_ed25519.c"
    "${REPO_ROOT}/hosts/esp32p4/vector_runs/vector_frames.c"
    "${REPO_ROOT}/hosts/esp32p4/vector_runs/vector_requests.c"
    "${REPO_ROOT}/hosts/esp32p4/vector_runs/vector_scenarios.c"
    target_files.c)
target_include_directories(hb_vector_runs PUBLIC "${REPO_ROOT}/hosts/esp32p4/vector_runs"
                           "${CMAKE_CURRENT_SOURCE_DIR}")
target_compile_definitions(hb_vector_runs PRIVATE HB_VECTORS_DIR="${REPO_ROOT}/core/vectors")
target_link_libraries(hb_vector_runs PUBLIC homebase)
target_compile_options(hb_vector_runs PRIVATE ${HB_WARNINGS})

set(QEMU_VIRT_LD "${CMAKE_CURRENT_SOURCE_DIR}/qemu-virt.ld")
function(hb_target_program name)
    add_executable(${name} ${ARGN})
    target_link_libraries(${name} PRIVATE hb_vector_runs)
    target_compile_options(${name} PRIVATE ${HB_WARNINGS})
    target_link_options(${name} PRIVATE "-T${QEMU_VIRT_LD}")
    set_target_properties(${name} PROPERTIES SUFFIX ".elf" LINK_DEPENDS "${QEMU_VIRT_LD}")
endfunction()

hb_target_program(vector_runner vector_main.c)

# The bench wraps libsodium's verify and the allocator with its probes (bench_probes.h).
hb_target_program(bench_target bench_main.c bench_probes.c)
target_link_options(bench_target PRIVATE -Wl,--wrap=crypto_sign_verify_detached -Wl,--wrap=malloc
                    -Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=free)
