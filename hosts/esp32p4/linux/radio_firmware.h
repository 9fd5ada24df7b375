/* The radio co-processor firmware this build carries. The home base compares it with the version
 * the co-processor reports over the link, and radio-sim reports it as its own. */
#ifndef RADIO_FIRMWARE_H
#define RADIO_FIRMWARE_H

#define RADIO_FIRMWARE_MAJOR 1
#define RADIO_FIRMWARE_MINOR 0
#define RADIO_FIRMWARE_PATCH 0

#endif
