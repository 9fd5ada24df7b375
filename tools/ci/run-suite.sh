#!/usr/bin/env bash
# Runs one test suite and records its result for tools/ci/summarize-tests.sh.
# Usage: tools/ci/run-suite.sh SUITE COMMAND [ARG...]
# The command's output goes to the terminal and to build/test-logs/SUITE.log. Its counts (see
# count-tests.sh) and exit status go to build/test-results/SUITE.txt. A command that exits
# non-zero without printing any count counts as 1 failed test; one that exits 0 without any count
# (a type check, say) counts as 1 passed, and one whose counts are all zero as 1 failed. The
# script exits with the command's status, or 1 when the command exited 0 but reported a failed
# test or no test at all. SUITE_TIMEOUT_SEC (default 1200) bounds the
# run, so one hung suite cannot use up a CI run; on expiry only the command itself is signalled.
# TEST_OUTPUT_DIR (default build) moves the test-logs and test-results folders.
set -uo pipefail

if [ "$#" -lt 2 ]; then
    echo "usage: $0 SUITE COMMAND [ARG...]" >&2
    exit 2
fi
suite=$1
shift

root=$(cd "$(dirname "$0")/../.." && pwd)
output_dir=${TEST_OUTPUT_DIR:-$root/build}
log_dir=$output_dir/test-logs
result_dir=$output_dir/test-results
mkdir -p "$log_dir" "$result_dir"
log=$log_dir/$suite.log
result=$result_dir/$suite.txt
rm -f "$result"
timeout_sec=${SUITE_TIMEOUT_SEC:-1200}

echo "== suite $suite: $*"
timeout --foreground --kill-after=10 "$timeout_sec" "$@" </dev/null 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 124 ]; then
    echo "suite $suite timed out after $timeout_sec s (SUITE_TIMEOUT_SEC)" | tee -a "$log"
fi

counts=$("$root/tools/ci/count-tests.sh" "$log")
passed=$(sed -n 's/^passed=//p' <<<"$counts")
failed=$(sed -n 's/^failed=//p' <<<"$counts")
skipped=$(sed -n 's/^skipped=//p' <<<"$counts")
counted=$(sed -n 's/^counted=//p' <<<"$counts")

if [ "$counted" = no ]; then
    if [ "$status" -eq 0 ]; then
        passed=1
    else
        failed=1
    fi
fi
if [ "$counted" = yes ] && [ $((passed + failed + skipped)) -eq 0 ]; then
    # A runner that found no test file (a wrong folder or pattern) exits 0 with zero counts.
    echo "suite $suite ran no test, counted as 1 failed" | tee -a "$log"
    failed=1
    [ "$status" -ne 0 ] || status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # The runner reported that every test passed but the process failed anyway (a crash after the
    # summary, a leak check, a timeout): that is one failure the counts do not show.
    failed=1
fi

printf 'suite=%s\nstatus=%s\npassed=%s\nfailed=%s\nskipped=%s\ncounted=%s\n' \
    "$suite" "$status" "$passed" "$failed" "$skipped" "$counted" >"$result"

if [ "$status" -eq 0 ] && [ "$failed" -gt 0 ]; then
    echo "suite $suite exited 0 but reported $failed failed test(s)"
    exit 1
fi
exit "$status"
