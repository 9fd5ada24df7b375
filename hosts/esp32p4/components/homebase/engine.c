/* The parts every engine shares: the export table, argument checks, memory ranges and the imports. */
#include "engine.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "hb_log.h"

#define ENGINE_EXPORT_NAME(name, argc) #name,
static const char *const s_export_names[ENGINE_FN_COUNT] = { ENGINE_EXPORTS(ENGINE_EXPORT_NAME) };
#undef ENGINE_EXPORT_NAME

#define ENGINE_EXPORT_ARGC(name, argc) argc,
static const uint8_t s_export_argc[ENGINE_FN_COUNT] = { ENGINE_EXPORTS(ENGINE_EXPORT_ARGC) };
#undef ENGINE_EXPORT_ARGC

/* Maximum characters of an abort message or file name copied into a log line. */
#define ABORT_TEXT_MAX_CHARS 48

const char *engine_export_name(engine_fn_t fn)
{
    return (unsigned)fn < ENGINE_FN_COUNT ? s_export_names[fn] : "unknown";
}

uint32_t engine_export_argc(engine_fn_t fn)
{
    return (unsigned)fn < ENGINE_FN_COUNT ? s_export_argc[fn] : 0;
}

int engine_call(engine_t *engine, engine_fn_t fn, const uint32_t *args, uint32_t argc,
                uint32_t *result)
{
    uint32_t padded[ENGINE_MAX_ARGS] = { 0 };

    if (engine->trapped) {
        return -1;
    }
    if ((unsigned)fn >= ENGINE_FN_COUNT || argc != s_export_argc[fn]) {
        engine_mark_trapped(engine, "export called with the wrong argument count");
        return -1;
    }

    if (argc > 0) {
        memcpy(padded, args, argc * sizeof padded[0]);
    }
    return engine->ops->call(engine, fn, padded, result);
}

uint8_t *engine_bytes(engine_t *engine, uint32_t offset, uint32_t len)
{
    uint32_t memory_len = 0;
    uint8_t *memory = engine->ops->memory(engine, &memory_len);

    if (memory == NULL || offset > memory_len || len > memory_len - offset) {
        return NULL;
    }
    return memory + offset;
}

const char *engine_name(const engine_t *engine)
{
    return engine->ops->name;
}

const char *engine_error(const engine_t *engine)
{
    return engine->error;
}

void engine_destroy(engine_t *engine)
{
    if (engine != NULL) {
        engine->ops->destroy(engine);
    }
}

void engine_mark_trapped(engine_t *engine, const char *reason)
{
    if (!engine->trapped) {
        snprintf(engine->error, sizeof engine->error, "%s", reason);
    }
    engine->trapped = true;
}

static bool range_fits(uint32_t memory_len, uint32_t ptr, uint32_t len)
{
    return ptr <= memory_len && len <= memory_len - ptr;
}

uint32_t engine_import_ed25519_verify(const uint8_t *memory, uint32_t memory_len, uint32_t sig_ptr,
                                      uint32_t msg_ptr, uint32_t msg_len, uint32_t key_ptr)
{
    if (!range_fits(memory_len, sig_ptr, crypto_sign_BYTES) ||
        !range_fits(memory_len, msg_ptr, msg_len) ||
        !range_fits(memory_len, key_ptr, crypto_sign_PUBLICKEYBYTES)) {
        return 0;
    }
    return crypto_sign_verify_detached(memory + sig_ptr, memory + msg_ptr, msg_len,
                                       memory + key_ptr) == 0;
}

/* Copies an AssemblyScript string (UTF-16LE, byte length in the 4 bytes before it) as ASCII,
 * replacing other characters with '?'; an unreadable string becomes "?". */
static void copy_as_string(engine_t *engine, uint32_t ptr, char *out, size_t cap)
{
    const uint8_t *header = ptr >= 4 ? engine_bytes(engine, ptr - 4, 4) : NULL;
    uint32_t byte_len;
    const uint8_t *chars;
    size_t count = 0;

    snprintf(out, cap, "?");
    if (header == NULL) {
        return;
    }
    byte_len = (uint32_t)header[0] | (uint32_t)header[1] << 8 | (uint32_t)header[2] << 16 |
               (uint32_t)header[3] << 24;
    chars = engine_bytes(engine, ptr, byte_len);
    if (chars == NULL) {
        return;
    }

    for (uint32_t i = 0; i + 1 < byte_len && count + 1 < cap && count < ABORT_TEXT_MAX_CHARS; i += 2) {
        uint16_t unit = (uint16_t)(chars[i] | chars[i + 1] << 8);
        out[count++] = unit >= 0x20 && unit < 0x7f ? (char)unit : '?';
    }
    out[count] = '\0';
}

void engine_import_abort(engine_t *engine, uint32_t message_ptr, uint32_t file_ptr, uint32_t line,
                         uint32_t column)
{
    char message[ABORT_TEXT_MAX_CHARS + 1];
    char file[ABORT_TEXT_MAX_CHARS + 1];
    char reason[ENGINE_ERROR_LEN];

    copy_as_string(engine, message_ptr, message, sizeof message);
    copy_as_string(engine, file_ptr, file, sizeof file);
    snprintf(reason, sizeof reason, "core aborted: %s at %s:%u:%u", message, file, (unsigned)line,
             (unsigned)column);
    hb_log(HB_LOG_ERROR, "%s", reason);
    engine_mark_trapped(engine, reason);
}
