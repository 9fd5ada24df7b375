/* The local HTTP API and WS /ws on esp_http_server: every route of api_http.h, registered with
 * httpd_register_uri_handler, plus the WebSocket stream of api_events.h.
 *
 * Only hardware can show the socket limits under load, the server task's stack use and the timing
 * of the WebSocket pushes. None of this code has run: it was compiled against ESP-IDF 5.4.4's
 * headers only. */
#ifndef HTTP_SERVER_IDF_H
#define HTTP_SERVER_IDF_H

#include <stddef.h>
#include <stdint.h>

#include "api_http.h"
#include "esp_err.h"

/* Starts the server on `port` (80 on the device). `context` must outlive the server; its lock is
 * the home base's lock, and its `commands` may be set later under that lock. Only one server runs
 * at a time. Returns ESP_ERR_INVALID_STATE when it already runs, or the error of httpd_start. */
esp_err_t http_server_idf_start(api_context_t *context, uint16_t port);

/* Queues an event envelope for the authenticated WebSocket clients and returns without waiting: the
 * server task sends it. An api_event_sink_fn, so app_main passes it to api_events_init; `ctx` is
 * unused (pass NULL). Drops the event when the server does not run or memory runs out. */
void http_server_idf_publish_event(void *ctx, const char *json, size_t len);

/* Stops the server and closes every client. */
void http_server_idf_stop(void);

#endif
