/* Debian's newlib 4.3 declares _global_impure_ptr const, and ESP-IDF's newlib port declares it
 * again without const, which is an error when both meet. ESP-IDF builds with Espressif's own
 * newlib, where the two agree; this overlay exists only for compiling against Debian's headers. */
#define _global_impure_ptr _debian_newlib_global_impure_ptr
#include "/usr/include/newlib/sys/reent.h"
#undef _global_impure_ptr
#include_next <sys/reent.h>
