#include "vector_file.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hb_hex.h"

#ifndef HB_VECTORS_DIR
#error "HB_VECTORS_DIR must name core/vectors"
#endif

cJSON *vector_load(const char *name)
{
    char path[512];
    FILE *file;
    char *text;
    long len;
    cJSON *root;

    snprintf(path, sizeof path, "%s/%s", HB_VECTORS_DIR, name);
    file = fopen(path, "rb");
    if (file == NULL) {
        fail_msg("cannot open vector file %s", path);
    }
    fseek(file, 0, SEEK_END);
    len = ftell(file);
    rewind(file);
    assert_true(len >= 0);
    text = malloc((size_t)len + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)len, file), (size_t)len);
    fclose(file);
    text[len] = '\0';

    root = cJSON_Parse(text);
    free(text);
    if (root == NULL) {
        fail_msg("vector file %s is not valid JSON", path);
    }
    return root;
}

const cJSON *vector_array(const cJSON *object, const char *field)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, field);

    if (!cJSON_IsArray(item)) {
        fail_msg("vector array %s is missing", field);
    }
    return item;
}

const char *vector_string(const cJSON *object, const char *field)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, field);

    if (!cJSON_IsString(item)) {
        fail_msg("vector field %s is missing or not a string", field);
    }
    return item->valuestring;
}

double vector_number(const cJSON *object, const char *field)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, field);

    if (!cJSON_IsNumber(item)) {
        fail_msg("vector field %s is missing or not a number", field);
    }
    return item->valuedouble;
}

uint32_t vector_u32(const cJSON *object, const char *field)
{
    double value = vector_number(object, field);

    if (value < 0 || value > 4294967295.0 || value != (double)(uint32_t)value) {
        fail_msg("vector field %s is %g, not a u32", field, value);
    }
    return (uint32_t)value;
}

bool vector_has(const cJSON *object, const char *field)
{
    return cJSON_GetObjectItemCaseSensitive(object, field) != NULL;
}

size_t vector_bytes(const cJSON *object, const char *field, uint8_t *out, size_t cap)
{
    const char *hex = vector_string(object, field);
    size_t len = strlen(hex) / 2;

    if (len > cap || hb_hex_decode(hex, out, len) != 0) {
        fail_msg("vector field %s is not hex of at most %zu bytes", field, cap);
    }
    return len;
}

void vector_bytes_exact(const cJSON *object, const char *field, uint8_t *out, size_t len)
{
    if (hb_hex_decode(vector_string(object, field), out, len) != 0) {
        fail_msg("vector field %s is not hex of %zu bytes", field, len);
    }
}

void vector_assert_status(core_t *core, int32_t status, const char *expected, const char *label)
{
    char name[CORE_STATUS_NAME_MAX + 1];

    if (strcmp(core_status_name(core, status, name), expected) != 0) {
        fail_msg("vector \"%s\": status %s, expected %s", label, name, expected);
    }
}

bool vector_status_matches(core_t *core, int32_t status, const char *expected, const char *label)
{
    char name[CORE_STATUS_NAME_MAX + 1];

    if (strcmp(core_status_name(core, status, name), expected) != 0) {
        printf("vector \"%s\": status %s, expected %s\n", label, name, expected);
        return false;
    }
    return true;
}
