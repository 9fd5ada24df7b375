#!/usr/bin/env bash
# Prints one line per suite from build/test-results/SUITE.txt (written by run-suite.sh) and a
# closing "total: N passed, N failed, N skipped" line, and writes the totals to
# build/test-results/total.txt. A suite without a result file did not run (its build step or
# another prerequisite failed) and counts as 1 failed.
# Usage: tools/ci/summarize-tests.sh SUITE...   (TEST_OUTPUT_DIR as in run-suite.sh)
# Exits 1 when a suite failed, a test failed or no test passed.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
result_dir=${TEST_OUTPUT_DIR:-$root/build}/test-results
mkdir -p "$result_dir"

total_passed=0
total_failed=0
total_skipped=0
any_suite_failed=0

echo "== test summary"
for suite in "$@"; do
    result=$result_dir/$suite.txt
    if [ ! -f "$result" ]; then
        printf '  %-16s did not run (see the output above), counted as 1 failed\n' "$suite"
        total_failed=$((total_failed + 1))
        any_suite_failed=1
        continue
    fi

    status=$(sed -n 's/^status=//p' "$result")
    passed=$(sed -n 's/^passed=//p' "$result")
    failed=$(sed -n 's/^failed=//p' "$result")
    skipped=$(sed -n 's/^skipped=//p' "$result")
    counted=$(sed -n 's/^counted=//p' "$result")
    note="exit $status"
    if [ "$counted" = no ]; then
        note="$note, no counts printed: judged by exit status"
    fi
    printf '  %-16s %d passed, %d failed, %d skipped (%s)\n' "$suite" "$passed" "$failed" "$skipped" "$note"

    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    total_skipped=$((total_skipped + skipped))
    if [ "$status" -ne 0 ] || [ "$failed" -gt 0 ]; then
        any_suite_failed=1
    fi
done

printf 'passed=%d\nfailed=%d\nskipped=%d\n' "$total_passed" "$total_failed" "$total_skipped" \
    >"$result_dir/total.txt"
echo "total: $total_passed passed, $total_failed failed, $total_skipped skipped"

if [ "$any_suite_failed" -ne 0 ] || [ "$total_passed" -eq 0 ]; then
    exit 1
fi
