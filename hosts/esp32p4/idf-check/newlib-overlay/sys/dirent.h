/* ESP-IDF's sys/dirent.h declares DIR and struct dirent itself only for clang and otherwise takes
 * them from Espressif's newlib, whose sys/dirent.h Debian's generic newlib lacks (it has an #error
 * there). Taking ESP-IDF's own declarations keeps the check on ESP-IDF's VFS types. */
#define __clang__ 1
#include_next <sys/dirent.h>
#undef __clang__
