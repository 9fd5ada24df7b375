/* What bench_target measures besides its own timing: the instructions spent inside libsodium's
 * verify, and the heap and stack the run used. The bench program is linked with
 * -Wl,--wrap=crypto_sign_verify_detached and --wrap for malloc, calloc, realloc and free, so these
 * probes see every call without a change to the home base's code. */
#ifndef TARGET_BENCH_PROBES_H
#define TARGET_BENCH_PROBES_H

#include <stddef.h>
#include <stdint.h>

/* Instructions retired inside crypto_sign_verify_detached since the start, and its call count. */
uint64_t probe_verify_instructions(void);
uint32_t probe_verify_calls(void);

/* Bytes of heap in use now, and the most in use at once since probe_heap_reset_peak. Sizes are
 * malloc_usable_size's, so they include picolibc's rounding but not its chunk headers. */
size_t probe_heap_in_use(void);
size_t probe_heap_peak(void);
void probe_heap_reset_peak(void);

/* Fills the unused part of the stack with a pattern; probe_stack_peak then returns the most stack
 * used since, found as the deepest byte that no longer holds the pattern. */
void probe_stack_paint(void);
size_t probe_stack_peak(void);

#endif
