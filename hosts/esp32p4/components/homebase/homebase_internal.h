/* What homebase.c and homebase_send.c share, private to the home base. */
#ifndef HOMEBASE_INTERNAL_H
#define HOMEBASE_INTERNAL_H

#include <stdbool.h>

#include "homebase.h"

/* Returns whether the spool can take the largest batch the core can seal. A batch is sealed only
 * then, because a sealed batch that cannot be spooled would be lost. Logs when the spool fills and
 * when it has room again, not on every refused seal. Called under the lock. */
bool homebase_spool_room_for_batch(homebase_t *homebase);

#endif
