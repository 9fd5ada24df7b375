/* On single-core chips (CONFIG_ESP_SYSTEM_SINGLE_CORE_MODE: the ESP32-C3 and C6), the inline
 * functions of ESP-IDF 5.4's spinlock.h leave their parameters unused. ESP-IDF's own build passes
 * -Wno-unused-parameter (tools/cmake/build.cmake), so its builds never report this. The check
 * keeps that warning for the apps' own files and silences it for this header only. Not newlib, but this
 * folder is where the check corrects headers it compiles against. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include_next <spinlock.h>
#pragma GCC diagnostic pop
