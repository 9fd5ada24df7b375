#!/usr/bin/env bash
# Runs a bare-metal rv32 program of this folder under QEMU once per engine, and exits non-zero when
# any run fails or times out.
# Usage: hosts/esp32p4/target/run-qemu.sh PROGRAM.elf ENGINE [ENGINE...]
# -icount shift=0 makes rdinstret count instructions (DESIGN.md). The program gets the engine as its
# last semihosting argument, reads files through semihosting and ends with a semihosting exit code.
# QEMU_TIMEOUT_SEC (default 120) bounds each run.
set -uo pipefail

if [ "$#" -lt 2 ]; then
    echo "usage: $0 PROGRAM.elf ENGINE [ENGINE...]" >&2
    exit 2
fi
program=$1
shift
timeout_sec=${QEMU_TIMEOUT_SEC:-120}

status=0
for engine in "$@"; do
    timeout --kill-after=5 "$timeout_sec" qemu-system-riscv32 -M virt -m 128M -nographic \
        -bios none -icount shift=0 \
        -semihosting-config "enable=on,target=native,arg=$(basename "$program"),arg=$engine" \
        -kernel "$program" </dev/null
    run_status=$?
    if [ "$run_status" -eq 124 ]; then
        echo "$engine: $program timed out after $timeout_sec s (QEMU_TIMEOUT_SEC)"
    fi
    [ "$run_status" -eq 0 ] || status=1
done
exit "$status"
