/* The counting, reporting and field reading of vector_run.h. */
#include "vector_run.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hb_hex.h"

void vector_run_init(vector_run_t *run, vector_open_fn open, void *open_ctx)
{
    memset(run, 0, sizeof *run);
    run->open = open;
    run->open_ctx = open_ctx;
}

void vector_begin(vector_run_t *run, const char *label)
{
    snprintf(run->label, sizeof run->label, "%s", label);
    run->vector_failed = false;
}

void vector_end(vector_run_t *run)
{
    if (run->vector_failed) {
        run->failed++;
    } else {
        run->passed++;
    }
}

void vector_fail(vector_run_t *run, const char *format, ...)
{
    char message[256];
    va_list args;

    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    printf("mismatch: %s: %s\n", run->label, message);
    run->vector_failed = true;
}

const cJSON *vector_json_array(vector_run_t *run, const cJSON *object, const char *field)
{
    static const cJSON empty = { .type = cJSON_Array };
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, field);

    if (!cJSON_IsArray(item)) {
        vector_fail(run, "array %s is missing", field);
        return &empty;
    }
    return item;
}

const char *vector_json_string(vector_run_t *run, const cJSON *object, const char *field)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, field);

    if (!cJSON_IsString(item)) {
        vector_fail(run, "field %s is missing or not a string", field);
        return "";
    }
    return item->valuestring;
}

uint32_t vector_json_u32(vector_run_t *run, const cJSON *object, const char *field)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, field);
    double value = cJSON_IsNumber(item) ? item->valuedouble : -1;

    if (value < 0 || value > 4294967295.0 || value != (double)(uint32_t)value) {
        vector_fail(run, "field %s is missing or not a u32", field);
        return 0;
    }
    return (uint32_t)value;
}

int32_t vector_json_i32(vector_run_t *run, const cJSON *object, const char *field)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, field);
    double value = cJSON_IsNumber(item) ? item->valuedouble : 0.5;

    if (value < -2147483648.0 || value > 2147483647.0 || value != (double)(int32_t)value) {
        vector_fail(run, "field %s is missing or not an i32", field);
        return 0;
    }
    return (int32_t)value;
}

bool vector_json_has(const cJSON *object, const char *field)
{
    return cJSON_GetObjectItemCaseSensitive(object, field) != NULL;
}

size_t vector_json_bytes(vector_run_t *run, const cJSON *object, const char *field, uint8_t *out,
                         size_t cap)
{
    const char *hex = vector_json_string(run, object, field);
    size_t len = strlen(hex) / 2;

    if (len > cap || hb_hex_decode(hex, out, len) != 0) {
        vector_fail(run, "field %s is not hex of at most %zu bytes", field, cap);
        return 0;
    }
    return len;
}

bool vector_json_bytes_exact(vector_run_t *run, const cJSON *object, const char *field,
                             uint8_t *out, size_t len)
{
    if (hb_hex_decode(vector_json_string(run, object, field), out, len) != 0) {
        vector_fail(run, "field %s is not hex of %zu bytes", field, len);
        memset(out, 0, len);
        return false;
    }
    return true;
}

bool vector_expect_status(vector_run_t *run, core_t *core, int32_t status, const char *expected)
{
    char name[CORE_STATUS_NAME_MAX + 1];

    if (strcmp(core_status_name(core, status, name), expected) != 0) {
        vector_fail(run, "status %s, expected %s", name, expected);
        return false;
    }
    return true;
}

bool vector_expect_u32(vector_run_t *run, const char *field, uint32_t actual, uint32_t expected)
{
    if (actual != expected) {
        vector_fail(run, "%s is %u, expected %u", field, (unsigned)actual, (unsigned)expected);
        return false;
    }
    return true;
}

void vector_run_each(vector_run_t *run, const cJSON *root, vector_check_fn check)
{
    core_t core;
    engine_t *engine = run->open(&core, run->open_ctx);
    const cJSON *vector;

    if (engine == NULL) {
        run->failed++;
        return;
    }
    cJSON_ArrayForEach(vector, vector_json_array(run, root, "vectors")) {
        vector_begin(run, vector_json_string(run, vector, "name"));
        check(run, &core, vector);
        vector_end(run);
    }
    engine_destroy(engine);
}
