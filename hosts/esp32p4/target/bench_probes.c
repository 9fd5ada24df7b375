#include "bench_probes.h"

#include <malloc.h>
#include <stdlib.h>

#include "instret.h"

/* ---- The verify import's libsodium call ---- */

static uint64_t s_verify_instructions;
static uint32_t s_verify_calls;

int __real_crypto_sign_verify_detached(const unsigned char *sig, const unsigned char *m,
                                       unsigned long long mlen, const unsigned char *pk);
int __wrap_crypto_sign_verify_detached(const unsigned char *sig, const unsigned char *m,
                                       unsigned long long mlen, const unsigned char *pk);

int __wrap_crypto_sign_verify_detached(const unsigned char *sig, const unsigned char *m,
                                       unsigned long long mlen, const unsigned char *pk)
{
    uint64_t start = target_instret();
    int result = __real_crypto_sign_verify_detached(sig, m, mlen, pk);

    s_verify_instructions += target_instret() - start;
    s_verify_calls++;
    return result;
}

uint64_t probe_verify_instructions(void)
{
    return s_verify_instructions;
}

uint32_t probe_verify_calls(void)
{
    return s_verify_calls;
}

/* ---- Heap ---- */

static size_t s_heap_in_use;
static size_t s_heap_peak;

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *ptr, size_t size);
void __real_free(void *ptr);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void __wrap_free(void *ptr);

static void heap_grew(void *ptr)
{
    if (ptr != NULL) {
        s_heap_in_use += malloc_usable_size(ptr);
        if (s_heap_in_use > s_heap_peak) {
            s_heap_peak = s_heap_in_use;
        }
    }
}

void *__wrap_malloc(size_t size)
{
    void *ptr = __real_malloc(size);

    heap_grew(ptr);
    return ptr;
}

void *__wrap_calloc(size_t count, size_t size)
{
    void *ptr = __real_calloc(count, size);

    heap_grew(ptr);
    return ptr;
}

void *__wrap_realloc(void *ptr, size_t size)
{
    size_t old_size = ptr != NULL ? malloc_usable_size(ptr) : 0;
    void *moved = __real_realloc(ptr, size);

    if (moved != NULL || size == 0) {
        s_heap_in_use -= old_size;
    }
    heap_grew(moved);
    return moved;
}

void __wrap_free(void *ptr)
{
    if (ptr != NULL) {
        s_heap_in_use -= malloc_usable_size(ptr);
    }
    __real_free(ptr);
}

size_t probe_heap_in_use(void)
{
    return s_heap_in_use;
}

size_t probe_heap_peak(void)
{
    return s_heap_peak;
}

void probe_heap_reset_peak(void)
{
    s_heap_peak = s_heap_in_use;
}

/* ---- Stack ---- */

/* picolibc's linker script: the stack grows down from __stack, and __heap_end is its lowest byte. */
extern uint8_t __stack[];
extern uint8_t __heap_end[];

#define STACK_PAINT 0xa5
/* Bytes below the painting function's own frame left alone, so it does not paint over itself. */
#define STACK_PAINT_MARGIN 256

void probe_stack_paint(void)
{
    uint8_t *limit = (uint8_t *)__builtin_frame_address(0) - STACK_PAINT_MARGIN;

    for (volatile uint8_t *byte = __heap_end; byte < limit; byte++) {
        *byte = STACK_PAINT;
    }
}

size_t probe_stack_peak(void)
{
    const uint8_t *byte = __heap_end;

    while (byte < __stack && *byte == STACK_PAINT) {
        byte++;
    }
    return (size_t)(__stack - byte);
}
