/* The UART of the radio link on Linux: a terminal device (a pseudo-terminal in the simulator, a
 * USB serial adapter on a bench) in raw mode, so every byte passes unchanged. */
#ifndef LINK_TTY_H
#define LINK_TTY_H

#include <stddef.h>
#include <stdint.h>

#define LINK_TTY_PATH_MAX 128
/* How long a write waits for a full terminal buffer before it gives up. */
#define LINK_TTY_WRITE_TIMEOUT_MS 1000

/* Opens the terminal at `path` for reading and writing, in raw mode and non-blocking. Returns the
 * descriptor, or -1 with errno set. */
int link_tty_open(const char *path);

/* Creates a pseudo-terminal for the co-processor's end. Returns the master descriptor (raw,
 * non-blocking) and copies the terminal's path to `path`, or returns -1 with errno set.
 * *slave_fd stays open, so the master reads no hang-up while the home base reopens the path. */
int link_pty_create(char path[LINK_TTY_PATH_MAX], int *slave_fd);

/* Writes all `len` bytes; `ctx` points to the descriptor (an int). Returns 0, or -1 when the
 * terminal failed or stayed full for LINK_TTY_WRITE_TIMEOUT_MS. */
int link_tty_write(void *ctx, const uint8_t *bytes, size_t len);

#endif
