/* POST /api/v1/logs: log entries from devices that reach the home base over IP instead of the radio.
 *
 * The body is {"entries":[{"frame":"<hex>"}, ...]}: each frame is a log frame (type 0x03) signed by
 * its device, byte for byte what the device would send over the air (docs/protocol.md section 1).
 * Each frame goes through the same intake as a radio frame (the core's frame_accept, then the
 * batcher), so the device's signature, not the request, vouches for it. docs/homebase-api.yaml
 * describes the body and the response. */
#ifndef API_LOGS_H
#define API_LOGS_H

#include <stddef.h>

#include "homebase.h"

/* The largest body, in bytes: 16 entries of the largest frame (500 hex characters) with room for
 * spacing. A larger body gets 413 BODY_TOO_LARGE. */
#define API_LOGS_BODY_MAX_LEN 16384
/* Entries per request. Each costs one signature verify, so the bound caps the work one request
 * buys; more is 400 VALIDATION_FAILED. */
#define API_LOGS_ENTRY_MAX_COUNT 16
/* The body is an object of an array of objects: 3 levels; deeper is 400 BAD_JSON. */
#define API_LOGS_JSON_MAX_DEPTH 3
/* The maximum response length: {"accepted":16,"rejected":[16 entries with a status name]}. */
#define API_LOGS_RESPONSE_MAX_LEN 2048
/* RSSI written into the batch for a frame that came over IP. The core's batcher takes an integer
 * only, so 0 dBm, a level no radio reports, marks "not received over the radio". */
#define API_LOGS_IP_RSSI_DBM 0

/* Handles one request body. Writes the JSON response or a problem (RFC 9457) into `out`
 * (API_LOGS_RESPONSE_MAX_LEN + 1 bytes) and returns the HTTP status: 200 with
 * {"accepted":N,"rejected":[{"index":I,"code":"SIGNATURE_INVALID"}]} once the body is well formed,
 * even when every entry was rejected; 400 or 413 with a problem otherwise. */
int api_logs_post(homebase_t *homebase, const char *body, size_t len, char *out);

#endif
