/* WS /ws on esp_http_server, for http_server_idf.c: the protocol of api_ws_protocol.h on
 * esp_http_server's WebSocket handler, with events pushed by httpd_queue_work and
 * httpd_ws_send_frame_async.
 *
 * Every function here except http_ws_idf_publish runs in the server's own task (handlers, queued
 * work and the close callback all do), so the client table needs no lock. */
#ifndef HTTP_WS_IDF_H
#define HTTP_WS_IDF_H

#include <stddef.h>

#include "api_http.h"
#include "esp_err.h"
#include "esp_http_server.h"

/* Registers /ws on `server` and starts the timer that closes clients past the auth timeout and
 * pings idle ones. `context` supplies the lock around the token check. */
esp_err_t http_ws_idf_start(httpd_handle_t server, api_context_t *context);

/* Queues one envelope and queues work for the server task to send it (api_event_sink_fn's
 * shape). */
void http_ws_idf_publish(const char *json, size_t len);

/* Frees the client slot of `sockfd` when it was a WebSocket client; the server's close_fn. */
void http_ws_idf_forget(int sockfd);

/* Stops the timer, so no more work is queued on the server. Call before httpd_stop. */
void http_ws_idf_stop_timer(void);

/* Frees the queued events and the queue's mutex. Call after httpd_stop, and when nothing publishes
 * any more. */
void http_ws_idf_stop(void);

/* From http_server_idf.c: sends the problem of `code` as the response to `req`. */
void http_server_idf_send_problem(httpd_req_t *req, const char *code, const char *detail);

#endif
