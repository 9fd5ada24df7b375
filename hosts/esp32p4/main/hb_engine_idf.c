/* Picks the engine of this build (hb_engine_idf.h). components/homebase/CMakeLists.txt compiles only
 * the chosen engine's file, and for wasm3 embeds core/build/core.wasm with target_add_binary_data. */
#include "hb_engine_idf.h"

#include <stddef.h>
#include <stdint.h>

#include "sdkconfig.h"

#if CONFIG_HB_ENGINE_WASM3
/* The symbols that target_add_binary_data names after the file core.wasm. */
extern const uint8_t core_wasm_start[] asm("_binary_core_wasm_start");
extern const uint8_t core_wasm_end[] asm("_binary_core_wasm_end");
#endif

engine_t *hb_engine_idf_open(char *error)
{
#if CONFIG_HB_ENGINE_WASM3
    return engine_wasm3_create(core_wasm_start, (size_t)(core_wasm_end - core_wasm_start),
                               error);
#else
    return engine_wasm2c_create(error);
#endif
}
