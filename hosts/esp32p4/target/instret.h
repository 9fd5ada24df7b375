/* The rv32 retired-instruction counter. QEMU counts instructions with it only when run with
 * -icount shift=0; otherwise it follows host time (DESIGN.md). */
#ifndef TARGET_INSTRET_H
#define TARGET_INSTRET_H

#include <stdint.h>

/* Reads instreth, instret, instreth again, so a carry between the two halves is not misread. */
static inline uint64_t target_instret(void)
{
    uint32_t high;
    uint32_t low;
    uint32_t high_again;

    do {
        __asm__ volatile("csrr %0, instreth" : "=r"(high));
        __asm__ volatile("csrr %0, instret" : "=r"(low));
        __asm__ volatile("csrr %0, instreth" : "=r"(high_again));
    } while (high != high_again);
    return (uint64_t)high << 32 | low;
}

#endif
