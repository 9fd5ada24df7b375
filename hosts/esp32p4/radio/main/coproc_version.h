/* The firmware version this app reports in its version message (docs/radio-link.md, section 2).
 * It is defined once, in hosts/esp32p4/linux/radio_firmware.h, which the home base also reads to
 * tell whether the co-processor's firmware is older than the one it carries. The radio project's
 * CMakeLists.txt reads the same file for the app image's version (PROJECT_VER). */
#ifndef COPROC_VERSION_H
#define COPROC_VERSION_H

#include "../../linux/radio_firmware.h"

#endif
