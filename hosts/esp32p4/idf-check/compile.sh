#!/usr/bin/env bash
# Compiles the ESP-IDF apps' C sources against a real ESP-IDF 5.4 tree, as a local check: these
# machines have no ESP-IDF toolchain, so no firmware is linked and nothing runs. Each app is
# compiled with Debian's riscv64-unknown-elf-gcc for its target's ISA, against ESP-IDF's headers,
# an sdkconfig.h generated from ESP-IDF's Kconfig and the app's sdkconfig.defaults
# (sdkconfig_gen.py), and Debian's newlib, libsodium and cJSON headers in place of Espressif's
# builds of them. The ESP32-S3 (Xtensa) is not compiled: no Xtensa compiler is packaged in Debian.
#
# Usage: hosts/esp32p4/idf-check/compile.sh IDF_PATH     (WASM3_SOURCE_DIR adds the wasm3 engine)
# Needs: gcc-riscv64-unknown-elf, libnewlib-dev, python3-kconfiglib, libsodium-dev, libcjson-dev,
# libmbedtls-dev.
# ESP-IDF's lwip is a git submodule: IDF_PATH/components/lwip/lwip must be checked out.
# Prints one line per file and a summary; exits 1 when a file does not compile or a setting of an
# sdkconfig.defaults file does not take effect (a misspelt option, or one whose dependencies are not met).
set -uo pipefail

if [ $# -ne 1 ] || [ ! -f "$1/Kconfig" ]; then
    echo "usage: $0 IDF_PATH   (an ESP-IDF 5.4 source tree, with components/lwip/lwip checked out)" >&2
    exit 2
fi
idf=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
hb=$(cd "$here/.." && pwd)
root=$(cd "$hb/../.." && pwd)
out=$root/build/idf-check
warnings=(-Wall -Wextra -Wshadow -Wstrict-prototypes -Werror)
compiled=0
failed=0

for tool in riscv64-unknown-elf-gcc /usr/bin/python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool (see the Needs line of $0)" >&2; exit 2; }
done
[ -d /usr/include/newlib ] || { echo "missing /usr/include/newlib: install libnewlib-dev" >&2; exit 2; }
[ -f "$idf/components/lwip/lwip/src/include/lwip/opt.h" ] || {
    echo "missing $idf/components/lwip/lwip: check out ESP-IDF's lwip submodule" >&2; exit 2; }

# Libraries that ESP-IDF gets from its components, taken from Debian's packages. A folder of links
# keeps /usr/include itself (glibc's headers) out of the include path.
extra=$out/extra-include
mkdir -p "$extra"
ln -sfn /usr/include/sodium.h "$extra/sodium.h"
ln -sfn /usr/include/sodium "$extra/sodium"
ln -sfn /usr/include/cjson/cJSON.h "$extra/cJSON.h"
# ESP-IDF's mbedtls is a submodule too. esp_crt_bundle.h only needs the declarations of
# mbedtls_ssl_config and mbedtls_x509_crt, which Debian's mbedtls 2.28 has as well as ESP-IDF 5.4's
# mbedtls 3.6.
ln -sfn /usr/include/mbedtls "$extra/mbedtls"
# A cross toolchain finds GCC's own stdatomic.h before newlib's. With newlib on -isystem it would
# find newlib's, whose fallback types do not build with GCC's atomic builtins.
ln -sfn "$(riscv64-unknown-elf-gcc -print-file-name=include)/stdatomic.h" "$extra/stdatomic.h"

# Prints -I options for ESP-IDF's public include folders for TARGET. ESP-IDF's build takes them
# from each component's CMakeLists.txt; this list follows those folders' naming instead.
idf_includes() {
    local target=$1 c=$idf/components dir
    local skip='/components/(linux|xtensa|bt|openthread|esp_local_ctrl|cmock|unity|mqtt|protobuf-c|spiffs)/'
    for dir in "$c"/*/include "$c"/*/"$target"/include "$c"/*/include/"$target" \
        "$c/soc/$target/register" "$c/esp_rom/$target" "$c/hal/platform_port/include" \
        "$c/esp_hw_support/include/soc" "$c/esp_hw_support/port/$target/include" \
        "$c/esp_hw_support/dma/include" "$c/esp_mm/include" "$c/esp_system/port/include" \
        "$c/freertos/FreeRTOS-Kernel/include" "$c/freertos/FreeRTOS-Kernel/portable/riscv/include/freertos" \
        "$c/freertos/config/include" "$c/freertos/config/include/freertos" "$c/freertos/config/riscv/include" \
        "$c/freertos/esp_additions/include" "$c/freertos/esp_additions/include/freertos" \
        "$c/newlib/platform_include" "$c/lwip/include/apps" "$c/lwip/include/apps/sntp" \
        "$c/lwip/lwip/src/include" "$c/lwip/port/include" "$c/lwip/port/freertos/include" \
        "$c/lwip/port/esp32xx/include" "$c/fatfs/src" "$c/fatfs/vfs" "$c/fatfs/diskio" \
        "$c/http_parser" "$c/esp_wifi/include/local" "$c/mbedtls/esp_crt_bundle/include"; do
        if [ -d "$dir" ] && ! [[ $dir =~ $skip ]]; then
            printf -- '-I%s\n' "$dir"
        fi
    done
    # ESP32-P4 revisions below 3.0 use the first register set (ESP32P4_SELECTS_REV_LESS_V3, the default).
    if [ "$target" = esp32p4 ]; then
        printf -- '-I%s\n' "$c/soc/esp32p4/register/hw_ver1"
    fi
}

# compile_app NAME PROJECT_DIR TARGET MARCH MABI SOURCE...
compile_app() {
    local name=$1 project=$2 target=$3 march=$4 mabi=$5
    shift 5
    local config=$out/$name-$target kconfig_args=() includes=() file

    for file in "$project"/main/Kconfig.projbuild; do
        [ -f "$file" ] && kconfig_args+=(--projbuild "$file")
    done
    for file in "$project"/components/*/Kconfig "$hb"/components/*/Kconfig; do
        [ -f "$file" ] && kconfig_args+=(--kconfig "$file")
    done
    if [ -f "$project/sdkconfig.defaults" ]; then
        kconfig_args+=(--defaults "$project/sdkconfig.defaults")
    fi
    # ESP-IDF's build reads sdkconfig.defaults.TARGET after sdkconfig.defaults.
    if [ -f "$project/sdkconfig.defaults.$target" ]; then
        kconfig_args+=(--defaults "$project/sdkconfig.defaults.$target")
    fi
    if ! /usr/bin/python3 "$here/sdkconfig_gen.py" "$idf" "$target" "$config" "${kconfig_args[@]}"; then
        echo "FAILED  $name ($target): sdkconfig.h not generated"
        failed=$((failed + 1))
        return
    fi

    mapfile -t includes < <(idf_includes "$target")
    for file in "$project"/main "$project"/components/*/include "$hb"/components/*/include; do
        [ -d "$file" ] && includes+=("-I$file")
    done
    if [ -n "${WASM3_SOURCE_DIR:-}" ]; then
        includes+=("-I$WASM3_SOURCE_DIR/source")
    fi

    for file in "$@"; do
        if riscv64-unknown-elf-gcc -march="$march" -mabi="$mabi" -std=gnu17 -Os "${warnings[@]}" \
            -DESP_PLATFORM -DIDF_VER=\"v5.4.4\" -D_GNU_SOURCE -D_POSIX_READER_WRITER_LOCKS \
            -I"$here/newlib-overlay" -isystem /usr/include/newlib -I"$config" -I"$extra" \
            "${includes[@]}" -c "$file" -o /dev/null 2>"$config/errors.txt"; then
            echo "ok      $name ($target) ${file#"$root"/}"
            compiled=$((compiled + 1))
        else
            echo "FAILED  $name ($target) ${file#"$root"/}"
            sed 's/^/        /' "$config/errors.txt"
            failed=$((failed + 1))
        fi
    done
}

# The P4 app: its own main/ and components, and the portable C it runs. engine_wasm2c.c needs the
# C that wasm2c writes at build time, which the rv32 target build checks instead.
p4_sources=()
for file in "$hb"/main/*.c "$hb"/components/*/*.c; do
    case $file in
        */engine_wasm2c.c) ;;
        */engine_wasm3.c) [ -n "${WASM3_SOURCE_DIR:-}" ] && p4_sources+=("$file") ;;
        *) [ -f "$file" ] && p4_sources+=("$file") ;;
    esac
done
if [ -z "${WASM3_SOURCE_DIR:-}" ]; then
    echo "note: WASM3_SOURCE_DIR is not set, so engine_wasm3.c is not compiled"
fi
compile_app p4 "$hb" esp32p4 rv32imafc_zicsr_zifencei ilp32f "${p4_sources[@]}"

# The radio co-processor app, for the ESP32-C6 and the ESP32-C3.
radio_sources=()
for file in "$hb"/radio/main/*.c "$hb"/components/radio_link/*.c; do
    [ -f "$file" ] && radio_sources+=("$file")
done
if [ -d "$hb/radio" ]; then
    compile_app radio "$hb/radio" esp32c6 rv32imac_zicsr_zifencei ilp32 "${radio_sources[@]}"
    compile_app radio "$hb/radio" esp32c3 rv32imc_zicsr_zifencei ilp32 "${radio_sources[@]}"
fi

echo "idf-check: $compiled compiled, $failed failed (ESP-IDF at $idf)"
[ "$failed" -eq 0 ] && [ "$compiled" -gt 0 ]
