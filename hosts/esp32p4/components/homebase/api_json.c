#include "api_json.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int api_json_depth(const char *text, size_t len, int limit)
{
    int depth = 0;
    int deepest = 0;
    bool in_string = false;

    for (size_t i = 0; i < len; i++) {
        char c = text[i];

        if (in_string) {
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            depth++;
            if (depth > deepest) {
                deepest = depth;
            }
            if (deepest > limit) {
                return limit + 1;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return deepest;
}

/* Returns true when an object in `item`, at any depth, has two members of one name. cJSON keeps both
 * members and its look-ups return the first, so a body such as {"entries":[],"entries":[...]} would
 * mean something else to a parser that takes the last (RFC 8259 section 4 leaves this open).
 * Names compare after unescaping, so "a" and "\u0061" are one name. The pairwise comparison costs
 * up to n * n / 2 comparisons for n members of one object, n bounded by the body size. */
static bool has_duplicate_name(const cJSON *item)
{
    const cJSON *child;

    cJSON_ArrayForEach(child, item) {
        if (cJSON_IsObject(item)) {
            for (const cJSON *earlier = item->child; earlier != child; earlier = earlier->next) {
                if (strcmp(earlier->string, child->string) == 0) {
                    return true;
                }
            }
        }
        if ((cJSON_IsObject(child) || cJSON_IsArray(child)) && has_duplicate_name(child)) {
            return true;
        }
    }
    return false;
}

cJSON *api_json_parse(const char *body, size_t len, size_t max_len, int max_depth, const char **code,
                      char *detail)
{
    char *copy;
    cJSON *root;

    if (len > max_len) {
        *code = "BODY_TOO_LARGE";
        snprintf(detail, API_JSON_DETAIL_LEN, "body of %zu bytes exceeds max %zu", len, max_len);
        return NULL;
    }
    if (memchr(body, '\0', len) != NULL) {
        *code = "BAD_JSON";
        snprintf(detail, API_JSON_DETAIL_LEN, "body contains a NUL byte");
        return NULL;
    }
    if (api_json_depth(body, len, max_depth) > max_depth) {
        *code = "BAD_JSON";
        snprintf(detail, API_JSON_DETAIL_LEN, "body is nested deeper than max %d", max_depth);
        return NULL;
    }

    copy = malloc(len + 1);
    if (copy == NULL) {
        *code = "INTERNAL";
        snprintf(detail, API_JSON_DETAIL_LEN, "out of memory for a %zu-byte body", len);
        return NULL;
    }
    memcpy(copy, body, len);
    copy[len] = '\0';
    /* Requiring the NUL right after the value rejects trailing bytes such as "{}x". */
    root = cJSON_ParseWithLengthOpts(copy, len + 1, NULL, true);
    free(copy);
    if (root == NULL) {
        *code = "BAD_JSON";
        snprintf(detail, API_JSON_DETAIL_LEN, "body is not valid JSON");
        return NULL;
    }
    /* The nesting check above bounds this recursion. */
    if (has_duplicate_name(root)) {
        cJSON_Delete(root);
        *code = "BAD_JSON";
        snprintf(detail, API_JSON_DETAIL_LEN, "body has an object with two members of the same name");
        return NULL;
    }
    return root;
}
