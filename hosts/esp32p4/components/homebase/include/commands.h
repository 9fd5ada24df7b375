/* POST /api/v1/command (docs/protocol.md section 9.1), without HTTP: the central server's signed
 * request is checked by the core's request_accept under the network key, the frame by its
 * command_accept. Config commands change the registry at once (registry_store.h); device commands
 * are relayed byte for byte to the device, whose acknowledgement (0x05) arrives through the intake.
 * Every final result goes to the command results outbox (command_results.h).
 *
 * Limits: the last COMMANDS_RECORDS_KEPT commands are remembered, in memory. A repeat after a
 * restart never reaches them, because the restored command floors refuse it (REPLAY_BELOW_FLOOR),
 * and a repeat of a command older than the last COMMANDS_RECORDS_KEPT is relayed again and answered
 * in_progress (device) or done with result ok (config). */
#ifndef COMMANDS_H
#define COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "command_results.h"
#include "core_api.h"
#include "hb_clock.h"
#include "intake.h"
#include "radio.h"
#include "registry.h"
#include "replay_store.h"
#include "signed_request.h"

/* docs/protocol.md section 9.1: the body is at most 4 KiB. */
#define COMMANDS_BODY_MAX 4096
#define COMMANDS_RECORDS_KEPT 64
#define COMMANDS_RESPONSE_LEN 512
#define COMMANDS_CODE_LEN 40
#define COMMANDS_DETAIL_LEN 200
#define COMMANDS_REASON_LEN 64
#define COMMANDS_FRAME_MAX 250
/* Before this Unix time (2023-11-14) the clock has not been set, so freshness cannot be checked. */
#define COMMANDS_TIME_VALID_AFTER 1700000000u

/* A POST /api/v1/command request: the signed request of signed_request.h. */
typedef signed_request_t commands_request_t;

typedef struct {
    int http_status;
    /* For a 2xx: the JSON body. */
    char json[COMMANDS_RESPONSE_LEN];
    /* For an error: the problem's code and detail. */
    char code[COMMANDS_CODE_LEN];
    char detail[COMMANDS_DETAIL_LEN];
} commands_response_t;

typedef struct {
    bool used;
    char device_id[CORE_DEVICE_ID_LEN];
    uint32_t id;
    bool final;
    /* ok, in_progress, error or unsupported. */
    const char *result;
    char reason[COMMANDS_REASON_LEN];
} command_record_t;

typedef struct {
    core_t *core;
    registry_t *registry;
    const hb_clock_t *clock;
    const intake_t *intake;
    replay_store_t *replay_store;
    command_results_t *results;
    /* The SD card folder of the registry file. */
    const char *dir;
    /* Device commands go to the device's last MAC address through it. */
    radio_t *radio;

    /* Optional (NULL: none): returns false while the port's clock is not synchronised, e.g. before
     * SNTP's first response on the device. Set with commands_set_time_check. */
    bool (*time_is_set)(void *ctx);
    void *time_is_set_ctx;

    command_record_t records[COMMANDS_RECORDS_KEPT];
    uint32_t next_record;
    uint32_t relayed;
    uint32_t applied;
    uint32_t acks;
} commands_t;

void commands_init(commands_t *commands, core_t *core, registry_t *registry, const hb_clock_t *clock,
                   const intake_t *intake, replay_store_t *replay_store, command_results_t *results,
                   const char *dir, radio_t *radio);

/* Makes commands_handle reject every command with 503 TIME_NOT_SET while `time_is_set` returns
 * false, on top of the check against COMMANDS_TIME_VALID_AFTER. NULL removes the check. */
void commands_set_time_check(commands_t *commands, bool (*time_is_set)(void *ctx), void *ctx);

/* Handles one POST /api/v1/command. Every outcome, errors included, is written to `out`. */
void commands_handle(commands_t *commands, const commands_request_t *request, commands_response_t *out);

/* The intake's on_ack hook: an acknowledgement accepted from the device in `slot`. */
void commands_on_ack(void *ctx, uint32_t slot, const uint8_t *frame, size_t len);

/* The intake's on_key_rotated hook: writes the registry with the device's new key. */
void commands_on_key_rotated(void *ctx, uint32_t slot);

#endif
