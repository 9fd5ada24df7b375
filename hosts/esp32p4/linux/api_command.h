/* POST /api/v1/command on civetweb: reads the request (body at most COMMANDS_BODY_MAX bytes), runs
 * commands_handle under the home base's lock, and writes its answer, errors as
 * application/problem+json with the central server's codes. */
#ifndef API_COMMAND_H
#define API_COMMAND_H

#include <civetweb.h>
#include <pthread.h>

#include "commands.h"

typedef struct {
    commands_t *commands;
    pthread_mutex_t *lock;
} api_command_t;

/* The civetweb request handler; `data` is an api_command_t. */
int api_command_handle(struct mg_connection *connection, void *data);

#endif
