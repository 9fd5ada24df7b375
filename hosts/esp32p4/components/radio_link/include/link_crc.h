/* The checksum of the UART link: CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF, no
 * input or output reflection, no final XOR). Its check value, the CRC of ASCII "123456789", is
 * 0x29B1. */
#ifndef LINK_CRC_H
#define LINK_CRC_H

#include <stddef.h>
#include <stdint.h>

#define LINK_CRC_INITIAL 0xFFFFu

/* Continues the CRC `crc` over `len` bytes; start with LINK_CRC_INITIAL. */
uint16_t link_crc16_update(uint16_t crc, const uint8_t *data, size_t len);

/* Returns the CRC-16/CCITT-FALSE of `len` bytes. */
uint16_t link_crc16(const uint8_t *data, size_t len);

#endif
