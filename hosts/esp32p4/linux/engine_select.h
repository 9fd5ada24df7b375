/* Opens core.wasm in the engine named on the command line: "wasm2c" (always built) or "wasm3"
 * (built when WASM3_SOURCE_DIR was set). */
#ifndef ENGINE_SELECT_H
#define ENGINE_SELECT_H

#include <stdbool.h>

#include "engine.h"

/* Returns the engine, or NULL with a reason in `error` (ENGINE_ERROR_LEN bytes). */
engine_t *engine_select_open(const char *name, char *error);

/* True when this build contains the engine called `name`. */
bool engine_select_available(const char *name);

#endif
