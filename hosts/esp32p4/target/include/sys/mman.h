/* A stand-in for <sys/mman.h> on bare metal, where picolibc has none. wabt's wasm-rt-impl.c
 * includes it unconditionally but, built with WASM_RT_MEMCHECK_SIGNAL_HANDLER=0, never calls these
 * functions: linear memory then comes from calloc and realloc. They fail, should that ever change. */
#ifndef HB_TARGET_SYS_MMAN_H
#define HB_TARGET_SYS_MMAN_H

#include <stddef.h>
#include <sys/types.h>

#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20
#define MAP_FAILED ((void *)-1)

static inline void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    (void)addr;
    (void)len;
    (void)prot;
    (void)flags;
    (void)fd;
    (void)offset;
    return MAP_FAILED;
}

static inline int munmap(void *addr, size_t len)
{
    (void)addr;
    (void)len;
    return -1;
}

static inline int mprotect(void *addr, size_t len, int prot)
{
    (void)addr;
    (void)len;
    (void)prot;
    return -1;
}

#endif
