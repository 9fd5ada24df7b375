/* The receiving side of the UART link: takes bytes as they come off the UART, in pieces of any
 * size, and hands each whole, valid message to a callback.
 *
 * Memory is bounded: one buffer of LINK_ENCODED_MAX_LEN encoded bytes and one of
 * LINK_MESSAGE_MAX_LEN decoded bytes. Anything that is not a valid message (line noise, a message
 * cut short by a reset, a bad CRC, an encoded message longer than the buffer, an unknown type) is
 * counted and dropped, and decoding starts again after the next 0x00. */
#ifndef LINK_DECODER_H
#define LINK_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link_message.h"

/* Called once per valid message; the message's frame points into the decoder and is valid only
 * during the call. */
typedef void (*link_message_fn)(void *ctx, const link_message_t *message);

typedef struct {
    uint32_t messages;      /* valid messages handed to the callback */
    uint32_t oversize;      /* more encoded bytes than LINK_ENCODED_MAX_LEN before a 0x00 */
    uint32_t cobs_invalid;  /* a code byte that runs past the delimiter */
    uint32_t too_short;     /* fewer than three decoded bytes */
    uint32_t crc_mismatch;
    uint32_t unknown_type;
    uint32_t bad_length;    /* a known type with a body length its rule forbids */
    uint32_t bad_value;     /* a field outside its values */
} link_decoder_counters_t;

typedef struct {
    link_message_fn on_message;
    void *ctx;
    uint8_t encoded[LINK_ENCODED_MAX_LEN];
    size_t encoded_len;
    /* Set after an overflow: bytes are dropped until the next 0x00. */
    bool discarding;
    uint8_t raw[LINK_MESSAGE_MAX_LEN];
    link_decoder_counters_t counters;
} link_decoder_t;

void link_decoder_init(link_decoder_t *decoder, link_message_fn on_message, void *ctx);

/* Takes `len` received bytes. The callback may run several times before this returns. */
void link_decoder_push(link_decoder_t *decoder, const uint8_t *bytes, size_t len);

/* The sum of every failure counter. */
uint32_t link_decoder_dropped(const link_decoder_t *decoder);

#endif
