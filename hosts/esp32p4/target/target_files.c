#include "target_files.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef HB_VECTORS_DIR
#error "HB_VECTORS_DIR must name core/vectors"
#endif

/* The largest vector file is about 200 KB; a bound keeps a wrong path from exhausting the heap. */
#define VECTOR_FILE_MAX (1024 * 1024)

cJSON *target_vector_load(const char *name)
{
    char path[512];
    FILE *file;
    char *text;
    long len;
    size_t got;
    cJSON *root;

    snprintf(path, sizeof path, "%s/%s", HB_VECTORS_DIR, name);
    file = fopen(path, "rb");
    if (file == NULL) {
        printf("cannot open %s through semihosting\n", path);
        return NULL;
    }
    if (fseek(file, 0, SEEK_END) != 0 || (len = ftell(file)) < 0 || len > VECTOR_FILE_MAX ||
        fseek(file, 0, SEEK_SET) != 0) {
        printf("cannot size %s\n", path);
        fclose(file);
        return NULL;
    }

    text = malloc((size_t)len + 1);
    got = text != NULL ? fread(text, 1, (size_t)len, file) : 0;
    fclose(file);
    if (text == NULL || got != (size_t)len) {
        printf("cannot read %s (%ld bytes)\n", path, len);
        free(text);
        return NULL;
    }
    text[len] = '\0';

    root = cJSON_Parse(text);
    free(text);
    if (root == NULL) {
        printf("%s is not valid JSON\n", path);
    }
    return root;
}
