/* Ethernet over the ESP32-P4's internal EMAC and an IP101 PHY (eth_adapter.h). ESP-IDF's event loop
 * delivers the link and IP events; this file only records them for other tasks to read.
 *
 * Checked on these machines: compiled against ESP-IDF 5.4.4's headers. Only hardware can show the
 * RMII timing, the PHY responding at its address, DHCP on a real network and the link events. */
#include "eth_adapter.h"

#include <stdio.h>
#include <string.h>

#include "esp_check.h"
#include "esp_eth.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "freertos/FreeRTOS.h"
#include "sdkconfig.h"

static const char *TAG = "eth";

/* Written by the event handlers (event loop task) and read by any task, under s_state_lock (a
 * spinlock, because the P4's two cores may run writer and reader at once). The IPv4 address is in
 * lwIP's byte order, 0 while the interface has none. */
static portMUX_TYPE s_state_lock = portMUX_INITIALIZER_UNLOCKED;
static bool s_link_up;
static uint32_t s_ip_addr;

static esp_eth_handle_t s_eth;
static esp_netif_t *s_netif;

static void set_link_up(bool up)
{
    taskENTER_CRITICAL(&s_state_lock);
    s_link_up = up;
    taskEXIT_CRITICAL(&s_state_lock);
}

static void set_ip_addr(uint32_t addr)
{
    taskENTER_CRITICAL(&s_state_lock);
    s_ip_addr = addr;
    taskEXIT_CRITICAL(&s_state_lock);
}

static void on_eth_event(void *arg, esp_event_base_t base, int32_t id, void *data)
{
    (void)arg;
    (void)base;
    (void)data;

    switch (id) {
    case ETHERNET_EVENT_CONNECTED:
        set_link_up(true);
        ESP_LOGI(TAG, "link up");
        break;
    case ETHERNET_EVENT_DISCONNECTED:
        /* esp_netif takes the address off the interface at link down (ESP-IDF 5.4), but
         * IP_EVENT_ETH_LOST_IP follows only when the link stays down for the IP-lost timer. */
        set_link_up(false);
        set_ip_addr(0);
        ESP_LOGW(TAG, "link down");
        break;
    case ETHERNET_EVENT_START:
        ESP_LOGI(TAG, "driver started");
        break;
    case ETHERNET_EVENT_STOP:
        ESP_LOGI(TAG, "driver stopped");
        break;
    default:
        break;
    }
}

static void on_ip_event(void *arg, esp_event_base_t base, int32_t id, void *data)
{
    (void)arg;
    (void)base;

    if (id == IP_EVENT_ETH_GOT_IP) {
        const ip_event_got_ip_t *event = data;
        set_ip_addr(event->ip_info.ip.addr);
        ESP_LOGI(TAG, "got ip: address=" IPSTR " netmask=" IPSTR " gateway=" IPSTR,
                 IP2STR(&event->ip_info.ip), IP2STR(&event->ip_info.netmask), IP2STR(&event->ip_info.gw));
    } else if (id == IP_EVENT_ETH_LOST_IP) {
        set_ip_addr(0);
        ESP_LOGW(TAG, "lost ip address");
    }
}

#if CONFIG_HOMEBASE_ETH_STATIC_IP
#define ADDRESS_MODE "static address"

/* Parses one dotted IPv4 option. An empty string gives `fallback`. */
static esp_err_t parse_ip_option(const char *name, const char *text, uint32_t fallback, esp_ip4_addr_t *out)
{
    if (text[0] == '\0') {
        out->addr = fallback;
        return ESP_OK;
    }
    if (esp_netif_str_to_ip4(text, out) != ESP_OK) {
        ESP_LOGE(TAG, "invalid %s \"%s\" in the Ethernet settings: expected a dotted IPv4 address", name, text);
        return ESP_ERR_INVALID_ARG;
    }
    return ESP_OK;
}

/* Stops the DHCP client before the driver starts, so the static address is applied and announced
 * with IP_EVENT_ETH_GOT_IP when the link comes up. set_ip_info clears the DNS servers, so the DNS
 * server is set after it. */
static esp_err_t apply_static_ip(esp_netif_t *netif)
{
    esp_netif_ip_info_t info = { 0 };
    esp_netif_dns_info_t dns = { 0 };

    /* Each parse logs the option it rejects. */
    ESP_RETURN_ON_ERROR(parse_ip_option("address", CONFIG_HOMEBASE_ETH_STATIC_IP_ADDR, 0, &info.ip), TAG,
                        "static address not applied");
    ESP_RETURN_ON_FALSE(info.ip.addr != 0, ESP_ERR_INVALID_ARG, TAG,
                        "static IP address is empty: set it, or turn off the static address for DHCP");
    ESP_RETURN_ON_ERROR(parse_ip_option("netmask", CONFIG_HOMEBASE_ETH_STATIC_NETMASK, 0, &info.netmask), TAG,
                        "static address not applied");
    ESP_RETURN_ON_ERROR(parse_ip_option("gateway", CONFIG_HOMEBASE_ETH_STATIC_GATEWAY, 0, &info.gw), TAG,
                        "static address not applied");
    ESP_RETURN_ON_ERROR(parse_ip_option("DNS server", CONFIG_HOMEBASE_ETH_STATIC_DNS, info.gw.addr,
                                        &dns.ip.u_addr.ip4),
                        TAG, "static address not applied");

    esp_err_t err = esp_netif_dhcpc_stop(netif);
    ESP_RETURN_ON_FALSE(err == ESP_OK || err == ESP_ERR_ESP_NETIF_DHCP_ALREADY_STOPPED, err, TAG,
                        "esp_netif_dhcpc_stop failed: %s", esp_err_to_name(err));
    ESP_RETURN_ON_ERROR(esp_netif_set_ip_info(netif, &info), TAG, "esp_netif_set_ip_info failed");

    if (dns.ip.u_addr.ip4.addr != 0) {
        dns.ip.type = ESP_IPADDR_TYPE_V4;
        ESP_RETURN_ON_ERROR(esp_netif_set_dns_info(netif, ESP_NETIF_DNS_MAIN, &dns), TAG,
                            "esp_netif_set_dns_info failed");
    }
    ESP_LOGI(TAG, "static ip: address=" IPSTR " netmask=" IPSTR " gateway=" IPSTR,
             IP2STR(&info.ip), IP2STR(&info.netmask), IP2STR(&info.gw));
    return ESP_OK;
}
#else
#define ADDRESS_MODE "DHCP"
#endif

/* Creates the EMAC with the board's RMII pins, and the IP101 PHY. On failure nothing stays created. */
static esp_err_t create_driver(esp_eth_handle_t *out)
{
    eth_mac_config_t mac_config = ETH_MAC_DEFAULT_CONFIG();
    eth_esp32_emac_config_t emac_config = ETH_ESP32_EMAC_DEFAULT_CONFIG();
    eth_phy_config_t phy_config = ETH_PHY_DEFAULT_CONFIG();

    emac_config.smi_gpio.mdc_num = CONFIG_HOMEBASE_ETH_MDC_GPIO;
    emac_config.smi_gpio.mdio_num = CONFIG_HOMEBASE_ETH_MDIO_GPIO;
    emac_config.interface = EMAC_DATA_INTERFACE_RMII;
    /* The PHY drives the 50 MHz reference clock, so the EMAC takes it as an input. */
    emac_config.clock_config.rmii.clock_mode = EMAC_CLK_EXT_IN;
    emac_config.clock_config.rmii.clock_gpio = CONFIG_HOMEBASE_ETH_REF_CLK_GPIO;
    emac_config.emac_dataif_gpio.rmii.tx_en_num = CONFIG_HOMEBASE_ETH_TX_EN_GPIO;
    emac_config.emac_dataif_gpio.rmii.txd0_num = CONFIG_HOMEBASE_ETH_TXD0_GPIO;
    emac_config.emac_dataif_gpio.rmii.txd1_num = CONFIG_HOMEBASE_ETH_TXD1_GPIO;
    emac_config.emac_dataif_gpio.rmii.crs_dv_num = CONFIG_HOMEBASE_ETH_CRS_DV_GPIO;
    emac_config.emac_dataif_gpio.rmii.rxd0_num = CONFIG_HOMEBASE_ETH_RXD0_GPIO;
    emac_config.emac_dataif_gpio.rmii.rxd1_num = CONFIG_HOMEBASE_ETH_RXD1_GPIO;
    phy_config.phy_addr = CONFIG_HOMEBASE_ETH_PHY_ADDR;
    phy_config.reset_gpio_num = CONFIG_HOMEBASE_ETH_PHY_RESET_GPIO;

    esp_eth_mac_t *mac = esp_eth_mac_new_esp32(&emac_config, &mac_config);
    ESP_RETURN_ON_FALSE(mac != NULL, ESP_FAIL, TAG, "esp_eth_mac_new_esp32 failed (check the RMII pins)");
    esp_eth_phy_t *phy = esp_eth_phy_new_ip101(&phy_config);
    if (phy == NULL) {
        ESP_LOGE(TAG, "esp_eth_phy_new_ip101 failed");
        mac->del(mac);
        return ESP_FAIL;
    }

    esp_eth_config_t config = ETH_DEFAULT_CONFIG(mac, phy);
    esp_err_t err = esp_eth_driver_install(&config, out);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_eth_driver_install failed: %s (PHY address %d)", esp_err_to_name(err),
                 CONFIG_HOMEBASE_ETH_PHY_ADDR);
        phy->del(phy);
        mac->del(mac);
    }
    return err;
}

/* Removes the driver together with the MAC and PHY it owns. */
static void delete_driver(esp_eth_handle_t eth)
{
    esp_eth_mac_t *mac = NULL;
    esp_eth_phy_t *phy = NULL;

    esp_eth_get_mac_instance(eth, &mac);
    esp_eth_get_phy_instance(eth, &phy);
    if (esp_eth_driver_uninstall(eth) != ESP_OK) {
        ESP_LOGE(TAG, "esp_eth_driver_uninstall failed, so the MAC and PHY stay allocated");
        return;
    }
    if (phy != NULL) {
        phy->del(phy);
    }
    if (mac != NULL) {
        mac->del(mac);
    }
}

esp_err_t eth_adapter_start(void)
{
    esp_err_t ret = ESP_OK;
    esp_eth_netif_glue_handle_t glue = NULL;
    esp_event_handler_instance_t eth_handler = NULL;
    esp_event_handler_instance_t ip_handler = NULL;
    esp_netif_config_t netif_config = ESP_NETIF_DEFAULT_ETH();

    ESP_RETURN_ON_FALSE(s_eth == NULL, ESP_ERR_INVALID_STATE, TAG, "eth_adapter_start called twice");

    /* The driver, and the network interface attached to it. */
    ESP_RETURN_ON_ERROR(create_driver(&s_eth), TAG, "Ethernet driver not created");
    s_netif = esp_netif_new(&netif_config);
    ESP_GOTO_ON_FALSE(s_netif != NULL, ESP_FAIL, fail, TAG, "esp_netif_new failed");
    glue = esp_eth_new_netif_glue(s_eth);
    ESP_GOTO_ON_FALSE(glue != NULL, ESP_FAIL, fail, TAG, "esp_eth_new_netif_glue failed");
    ESP_GOTO_ON_ERROR(esp_netif_attach(s_netif, glue), fail, TAG, "esp_netif_attach failed");

    /* The events, registered before the driver starts so that none is missed. */
    ESP_GOTO_ON_ERROR(esp_event_handler_instance_register(ETH_EVENT, ESP_EVENT_ANY_ID, on_eth_event, NULL,
                                                          &eth_handler),
                      fail, TAG, "ETH_EVENT handler not registered");
    ESP_GOTO_ON_ERROR(esp_event_handler_instance_register(IP_EVENT, ESP_EVENT_ANY_ID, on_ip_event, NULL,
                                                          &ip_handler),
                      fail, TAG, "IP_EVENT handler not registered");

#if CONFIG_HOMEBASE_ETH_STATIC_IP
    ESP_GOTO_ON_ERROR(apply_static_ip(s_netif), fail, TAG, "static address not applied");
#endif

    ESP_GOTO_ON_ERROR(esp_eth_start(s_eth), fail, TAG, "esp_eth_start failed");
    ESP_LOGI(TAG, "Ethernet started (%s)", ADDRESS_MODE);
    return ESP_OK;

fail:
    if (ip_handler != NULL) {
        esp_event_handler_instance_unregister(IP_EVENT, ESP_EVENT_ANY_ID, ip_handler);
    }
    if (eth_handler != NULL) {
        esp_event_handler_instance_unregister(ETH_EVENT, ESP_EVENT_ANY_ID, eth_handler);
    }
    if (glue != NULL) {
        esp_eth_del_netif_glue(glue);
    }
    if (s_netif != NULL) {
        esp_netif_destroy(s_netif);
        s_netif = NULL;
    }
    delete_driver(s_eth);
    s_eth = NULL;
    return ret;
}

bool eth_adapter_link_up(void)
{
    taskENTER_CRITICAL(&s_state_lock);
    bool up = s_link_up;
    taskEXIT_CRITICAL(&s_state_lock);
    return up;
}

void eth_adapter_ip_text(char *out, size_t len)
{
    esp_ip4_addr_t addr;

    if (len == 0) {
        return;
    }

    taskENTER_CRITICAL(&s_state_lock);
    addr.addr = s_ip_addr;
    taskEXIT_CRITICAL(&s_state_lock);
    snprintf(out, len, IPSTR, IP2STR(&addr));
}
