/* Reading the host's files from the bare-metal program, through QEMU's semihosting (picolibc's
 * semihost oslib turns fopen and fread into semihosting calls). */
#ifndef TARGET_FILES_H
#define TARGET_FILES_H

#include <cJSON.h>

/* Parses core/vectors/`name` (HB_VECTORS_DIR holds the folder's absolute path on the host).
 * Returns NULL after printing why when it cannot be read or parsed. */
cJSON *target_vector_load(const char *name);

#endif
