#include "engine_select.h"

#include <stdio.h>
#include <string.h>

/* core.wasm's bytes, embedded at build time by embed_bytes.cmake. */
extern const unsigned char hb_core_wasm[];
extern const size_t hb_core_wasm_len;

bool engine_select_available(const char *name)
{
    if (strcmp(name, "wasm2c") == 0) {
        return true;
    }
#ifdef HB_HAVE_WASM3
    if (strcmp(name, "wasm3") == 0) {
        return true;
    }
#endif
    return false;
}

engine_t *engine_select_open(const char *name, char *error)
{
    if (strcmp(name, "wasm2c") == 0) {
        return engine_wasm2c_create(error);
    }
#ifdef HB_HAVE_WASM3
    if (strcmp(name, "wasm3") == 0) {
        return engine_wasm3_create(hb_core_wasm, hb_core_wasm_len, error);
    }
#endif
    snprintf(error, ENGINE_ERROR_LEN, "engine %s is not in this build (built: wasm2c%s)", name,
#ifdef HB_HAVE_WASM3
             ", wasm3"
#else
             "; wasm3 needs WASM3_SOURCE_DIR"
#endif
    );
    return NULL;
}
