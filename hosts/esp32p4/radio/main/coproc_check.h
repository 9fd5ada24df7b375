/* One error check for the app's ESP-IDF calls. ESP-IDF's ESP_RETURN_ON_ERROR logs a message of the
 * caller's choosing but not the error's name. This one logs both the failed call, as written, and
 * esp_err_to_name of its result. */
#ifndef COPROC_CHECK_H
#define COPROC_CHECK_H

#include "esp_err.h"
#include "esp_log.h"

/* Evaluates `call` (an expression of type esp_err_t); when it is not ESP_OK, logs an error under
 * `tag` and returns it from the calling function. */
#define COPROC_RETURN_ON_ERROR(tag, call)                                                     \
    do {                                                                                   \
        esp_err_t coproc_err_ = (call);                                                    \
        if (coproc_err_ != ESP_OK) {                                                       \
            ESP_LOGE((tag), "%s failed: %s", #call, esp_err_to_name(coproc_err_));         \
            return coproc_err_;                                                            \
        }                                                                                  \
    } while (0)

#endif
