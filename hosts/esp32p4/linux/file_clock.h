/* A clock that a test sets: Unix seconds as decimal text in a file (homebase-sim --clock-file).
 * The test writes the file, and the home base and the test's other processes then share one
 * injected time, so a test moves minutes in a second instead of sleeping.
 *
 * The file is read at open and at each file_clock_refresh. hb_clock_now returns the value of the
 * last good read and never touches the file. The caller refreshes once per main-loop pass. A test that writes the file should write a temporary file and rename it over the
 * clock file, so no reader ever sees half a number. */
#ifndef FILE_CLOCK_H
#define FILE_CLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hb_clock.h"

#define FILE_CLOCK_PATH_LEN 512
/* Room for a parse reason, and for the path and a reason together. */
#define FILE_CLOCK_REASON_LEN 128
#define FILE_CLOCK_ERROR_LEN (FILE_CLOCK_PATH_LEN + FILE_CLOCK_REASON_LEN + 32)
/* Maximum file length in bytes: ten digits and a line ending fit with room to spare. */
#define FILE_CLOCK_TEXT_MAX_LEN 32

typedef struct {
    /* The hb_clock_t to give the home base's modules; its ctx points at this struct, so a
     * file_clock_t must not be copied or moved after file_clock_open. */
    hb_clock_t clock;
    char path[FILE_CLOCK_PATH_LEN];
    /* Atomic because the HTTP threads read it while the main loop refreshes it. */
    _Atomic uint32_t now_sec;
} file_clock_t;

/* Reads `path` for the first time. The content must be Unix seconds: decimal digits for 1 to
 * 4294967295, optionally followed by white space such as a newline. Returns 0, or -1 with the
 * reason in `error` when the path is too long, the file is missing or unreadable, or the content
 * is anything else. */
int file_clock_open(file_clock_t *file_clock, const char *path, char error[FILE_CLOCK_ERROR_LEN]);

/* Reads the file again and takes its value. Returns 0, or -1 with the reason in `error`, and then
 * keeps the previous value. A value lower than the previous one is taken as written, as a wall
 * clock that is set back would be. */
int file_clock_refresh(file_clock_t *file_clock, char error[FILE_CLOCK_ERROR_LEN]);

/* Parses the text of a clock file (`len` bytes, at most FILE_CLOCK_TEXT_MAX_LEN, need not be
 * NUL-terminated). Returns 0 with the seconds in `out`, or -1 with the reason in `reason`; `out` is
 * left untouched on failure. */
int file_clock_parse(const char *text, size_t len, uint32_t *out, char reason[FILE_CLOCK_REASON_LEN]);

#endif
