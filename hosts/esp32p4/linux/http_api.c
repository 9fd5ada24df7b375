#include "http_api.h"

#include <civetweb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_command.h"
#include "hb_log.h"
#include "http_media.h"
#include "status.h"

#define STRINGIFY_VALUE(x) #x
#define STRINGIFY(x) STRINGIFY_VALUE(x)

struct http_api {
    struct mg_context *context;
    homebase_t *homebase;
    pthread_mutex_t *lock;
    http_media_t *media;
    api_command_t command;
};

typedef char *(*render_fn)(homebase_t *homebase);

static void send_json(struct mg_connection *connection, int code, const char *reason,
                      const char *json)
{
    mg_printf(connection,
              "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
              "Cache-Control: no-store\r\nConnection: close\r\n\r\n%s",
              code, reason, strlen(json), json);
}

/* Renders one page under the lock; only GET is allowed. */
static int serve(struct mg_connection *connection, http_api_t *api, render_fn render)
{
    const struct mg_request_info *request = mg_get_request_info(connection);
    char *json;

    if (strcmp(request->request_method, "GET") != 0) {
        send_json(connection, 405, "Method Not Allowed",
                  "{\"code\":\"METHOD_NOT_ALLOWED\",\"message\":\"only GET is allowed\"}");
        return 405;
    }

    pthread_mutex_lock(api->lock);
    json = render(api->homebase);
    pthread_mutex_unlock(api->lock);

    if (json == NULL) {
        send_json(connection, 503, "Service Unavailable",
                  "{\"code\":\"CORE_UNAVAILABLE\",\"message\":\"status could not be rendered\"}");
        return 503;
    }
    send_json(connection, 200, "OK", json);
    free(json);
    return 200;
}

static int handle_status(struct mg_connection *connection, void *data)
{
    return serve(connection, data, status_render);
}

static int handle_devices(struct mg_connection *connection, void *data)
{
    return serve(connection, data, status_render_devices);
}

static int log_civetweb(const struct mg_connection *connection, const char *message)
{
    (void)connection;
    hb_log(HB_LOG_WARN, "http server: %s", message);
    return 1;
}

http_api_t *http_api_start(const char *host, uint16_t port, homebase_t *homebase,
                           pthread_mutex_t *lock)
{
    struct mg_callbacks callbacks = { .log_message = log_civetweb };
    http_api_t *api = calloc(1, sizeof *api);
    char listening[300];
    const char *options[] = {
        "listening_ports", listening,
        "num_threads", STRINGIFY(HTTP_API_WORKER_COUNT),
        /* civetweb (1.15) keeps a worker on an accepted connection until a request arrives or this
         * timeout ends, so a client that connects and sends nothing occupies a worker this long. */
        "request_timeout_ms", STRINGIFY(HTTP_API_REQUEST_TIMEOUT_MS),
        /* Every response closes its connection, so no worker waits on an idle keep-alive. */
        "enable_keep_alive", "no",
        NULL,
    };

    if (api == NULL) {
        return NULL;
    }
    snprintf(listening, sizeof listening, "%s:%u", host, (unsigned)port);
    api->homebase = homebase;
    api->lock = lock;

    api->context = mg_start(&callbacks, api, options);
    if (api->context == NULL) {
        free(api);
        return NULL;
    }
    /* The `$` ends the pattern, so /api/v1/status/extra falls through to civetweb's 404. */
    mg_set_request_handler(api->context, "/api/v1/status$", handle_status, api);
    mg_set_request_handler(api->context, "/api/v1/devices$", handle_devices, api);
    api->media = http_media_register(api->context, homebase, lock);
    return api;
}

void http_api_add_commands(http_api_t *api, commands_t *commands)
{
    api->command = (api_command_t){ .commands = commands, .lock = api->lock };
    mg_set_request_handler(api->context, "/api/v1/command$", api_command_handle, &api->command);
}

void http_api_stop(http_api_t *api)
{
    if (api != NULL) {
        mg_stop(api->context);
        http_media_free(api->media);
        free(api);
    }
}
