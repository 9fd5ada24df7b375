/* JSON bodies of the local API: GET /api/v1/status and GET /api/v1/devices. */
#ifndef STATUS_H
#define STATUS_H

#include "homebase.h"

/* Each returns a NUL-terminated JSON text from malloc (the caller frees it), or NULL when out of
 * memory or the core has trapped. */
char *status_render(homebase_t *homebase);
char *status_render_devices(homebase_t *homebase);

/* The link to the central server: "up" when the last send went through, "down" when the last
 * attempt failed, "unknown" before any. */
const char *status_link_state(const homebase_t *homebase);

#endif
