/* Opens the WebAssembly engine chosen in Kconfig (Home base > WebAssembly engine) on the device:
 * wasm3 on the core.wasm that the build embeds in flash, or wasm2c's translation of it. Both
 * allocate the wasm linear memory with malloc, which CONFIG_SPIRAM_USE_MALLOC places in PSRAM. */
#ifndef HB_ENGINE_IDF_H
#define HB_ENGINE_IDF_H

#include "engine.h"

/* Returns the loaded engine, or NULL with the reason in `error` (ENGINE_ERROR_LEN bytes). */
engine_t *hb_engine_idf_open(char *error);

#endif
