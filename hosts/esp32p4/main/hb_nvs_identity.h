/* The home base's identity and keys in NVS: the same fields as the Linux provisioning file
 * (docs/provisioning.md), so one firmware build serves every home base. They are written once per
 * home base, as an NVS partition image made from that file (tools/nvs-provisioning and
 * hosts/esp32p4/README.md, section "ESP-IDF app"), and read at every start.
 *
 * Layout: namespace HB_NVS_NAMESPACE, one entry per field of the provisioning file:
 *
 *   key             NVS type  provisioning file field
 *   network_id      string    network_id (a UUID)
 *   home_base_id    string    home_base_id (1 to 15 of A-Z a-z 0-9 _ -)
 *   private_key     blob 32   private_key (the home base's Ed25519 seed)
 *   net_public_key  blob 32   network_public_key
 *   central_url     string    central_url (at most 255 characters)
 *   batch_interval  u32       batch_interval_sec (1 to 3600)
 *   offline_after   u32       offline_after_sec (1 to 86400)
 *
 * The private key never leaves the device: no function here returns it. It becomes the libsodium
 * secret key inside the registry (registry.h), which the uplink and the beacons sign with.
 * NOTE: the entries are stored in plain flash unless the build turns on NVS encryption with flash
 * encryption, which this project's sdkconfig.defaults leaves off (it burns eFuse keys). */
#ifndef HB_NVS_IDENTITY_H
#define HB_NVS_IDENTITY_H

#include "esp_err.h"
#include "registry.h"

#define HB_NVS_NAMESPACE "homebase"
#define HB_NVS_KEY_NETWORK_ID "network_id"
#define HB_NVS_KEY_HOME_BASE_ID "home_base_id"
#define HB_NVS_KEY_PRIVATE_KEY "private_key"
#define HB_NVS_KEY_NETWORK_PUBLIC_KEY "net_public_key"
#define HB_NVS_KEY_CENTRAL_URL "central_url"
#define HB_NVS_KEY_BATCH_INTERVAL "batch_interval"
#define HB_NVS_KEY_OFFLINE_AFTER "offline_after"

/* Initialises the default NVS partition. Unlike ESP-IDF's examples it never erases the partition
 * on ESP_ERR_NVS_NO_FREE_PAGES or ESP_ERR_NVS_NEW_VERSION_FOUND, because that would erase the
 * identity; it returns the error instead. */
esp_err_t hb_nvs_identity_init(void);

/* Reads the identity from NVS into `registry` and checks it with the provisioning file's rules
 * (registry_parse). Returns ESP_OK, ESP_ERR_NVS_NOT_FOUND when the namespace or a key is missing,
 * ESP_ERR_INVALID_ARG when a value breaks a rule, or another NVS error. On failure `error`
 * (REGISTRY_ERROR_LEN bytes) names the key, and nothing secret is left in `registry`. */
esp_err_t hb_nvs_identity_load(registry_t *registry, char *error);

#endif
