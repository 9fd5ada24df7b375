/* application/problem+json (RFC 9457) bodies of the local API, with the central server's code
 * catalogue (hosts/node/src/errors.ts) and the home base's own codes. */
#ifndef API_PROBLEM_H
#define API_PROBLEM_H

#include <stddef.h>

/* Longest rendered problem, detail included; a longer detail is cut. */
#define API_PROBLEM_MAX_LEN 512
#define API_PROBLEM_DETAIL_MAX_LEN 200

/* The HTTP status of `code`: the catalogue's status for its codes (503 for DASHBOARD_TOKEN_NOT_SET),
 * 400 for any other frame status of the core, 500 for an unknown code. */
int api_problem_status(const char *code);

/* Writes {"type","title","status","code","detail"} for `code` into `out` (API_PROBLEM_MAX_LEN + 1
 * bytes); `detail` may be NULL. Returns the HTTP status. */
int api_problem_render(const char *code, const char *detail, char out[API_PROBLEM_MAX_LEN + 1]);

/* Writes the problem of `code` like api_problem_render, but with `status` in place of the
 * catalogue's, for handlers whose module decides the status (commands_handle, media_post). The
 * title is the catalogue's for a known code, otherwise the reason phrase of `status`. Returns
 * `status`. */
int api_problem_render_status(int status, const char *code, const char *detail,
                              char out[API_PROBLEM_MAX_LEN + 1]);

/* The reason phrase of an HTTP status, for the status line ("Bad Request"). */
const char *api_problem_reason(int status);

#endif
