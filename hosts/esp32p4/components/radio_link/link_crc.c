#include "link_crc.h"

/* Bit by bit rather than by table: the link carries a few kilobytes a second, and 512 bytes of
 * table matter more on the radio chip than the cycles saved. */
uint16_t link_crc16_update(uint16_t crc, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        crc ^= (uint16_t)(data[i] << 8);
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc & 0x8000u) != 0 ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
        }
    }
    return crc;
}

uint16_t link_crc16(const uint8_t *data, size_t len)
{
    return link_crc16_update(LINK_CRC_INITIAL, data, len);
}
