/* Adapts esp_http_client to the uplink's transport interface (hb_uplink_idf.h). */
#include "hb_uplink_idf.h"

#include <limits.h>

#include "esp_crt_bundle.h"
#include "esp_http_client.h"
#include "esp_log.h"
#include "sdkconfig.h"

static const char *TAG = "hb_uplink_idf";

static esp_err_t set_headers(esp_http_client_handle_t client, const uplink_header_t *headers,
                             size_t header_count)
{
    for (size_t i = 0; i < header_count; i++) {
        esp_err_t err = esp_http_client_set_header(client, headers[i].name, headers[i].value);

        if (err != ESP_OK) {
            return err;
        }
    }
    return ESP_OK;
}

int hb_uplink_idf_post(void *ctx, const char *url, const uplink_header_t *headers,
                       size_t header_count, const char *body, size_t body_len, int *http_status)
{
    hb_uplink_idf_t *uplink = ctx;
    esp_http_client_config_t config = {
        .url = url,
        .method = HTTP_METHOD_POST,
        .timeout_ms = CONFIG_HB_UPLINK_TIMEOUT_MS,
        .disable_auto_redirect = true,
        .crt_bundle_attach = esp_crt_bundle_attach,
    };
    esp_http_client_handle_t client;
    esp_err_t err;

    if (body_len > INT_MAX) {
        ESP_LOGE(TAG, "request not sent: body of %u bytes is too long", (unsigned)body_len);
        return -1;
    }
    client = esp_http_client_init(&config);
    if (client == NULL) {
        ESP_LOGE(TAG, "request not sent: esp_http_client_init failed for %s", url);
        return -1;
    }

    /* The post field comes first: it sets a default Content-Type, which the uplink's own replaces. */
    err = esp_http_client_set_post_field(client, body, (int)body_len);
    if (err == ESP_OK) {
        err = set_headers(client, headers, header_count);
    }
    if (err == ESP_OK) {
        err = esp_http_client_perform(client);
    }
    if (err == ESP_OK) {
        *http_status = esp_http_client_get_status_code(client);
    }
    esp_http_client_cleanup(client);

    if (err != ESP_OK) {
        ESP_LOGW(TAG, "request failed: url=%s error=%s", url, esp_err_to_name(err));
        return -1;
    }
    if (uplink != NULL && uplink->on_response != NULL) {
        uplink->on_response(uplink->on_response_ctx, *http_status);
    }
    return 0;
}

uplink_transport_t hb_uplink_idf_transport(hb_uplink_idf_t *uplink)
{
    uplink_transport_t transport = { .post = hb_uplink_idf_post, .ctx = uplink };

    return transport;
}
