#!/usr/bin/env bash
# Reads a test runner's output (a file, or standard input) and prints the counts it reports as
# `passed=N`, `failed=N`, `skipped=N` and `counted=yes|no` lines. It recognizes these closing lines:
#   uvu:    "Total: N", "Passed: N", "Skipped: N" (failed = total - passed, because uvu leaves
#           skipped tests out of the total and counts tests that a failing hook kept from
#           running in the total but not in passed). When a run ends before its summary (an
#           exception in an after hook ends the process), the "(passed / total)" line that
#           closes each finished suite is counted, plus 1 failed for the suite that stopped it.
#   ctest:  "P% tests passed, F tests failed out of M"
#   cmocka: "[  PASSED  ] N test(s).", "[  FAILED  ] N test(s)", "[  SKIPPED ] N test(s)"
#   plain:  "N passed, N failed" with an optional ", N skipped" and an optional "word: " before it
# Counts of one kind add up over the output. When a ctest line is present the cmocka lines are
# ignored, because ctest only shows a test program's own output when that program failed, and
# its line already counts every program. ANSI colour codes are removed first.
set -euo pipefail

sed -E 's/\x1b\[[0-9;]*[A-Za-z]//g; s/\r$//' "${1:-/dev/stdin}" | awk '
    /^[[:space:]]*Total:[[:space:]]+[0-9]+[[:space:]]*$/   { uvu_total += $2; uvu_seen = 1; next }
    /^[[:space:]]*Passed:[[:space:]]+[0-9]+[[:space:]]*$/  { uvu_passed += $2; next }
    /^[[:space:]]*Skipped:[[:space:]]+[0-9]+[[:space:]]*$/ { uvu_skipped += $2; next }

    match($0, /\([0-9]+ \/ [0-9]+\)[[:space:]]*$/) {
        split(substr($0, RSTART + 1, RLENGTH - 1), numbers, /[^0-9]+/)
        partial_passed += numbers[1]
        partial_total += numbers[2]
        partial_seen = 1
        next
    }

    match($0, /[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+/) {
        split(substr($0, RSTART, RLENGTH), words, " ")
        ctest_failed += words[4]
        ctest_total += words[9]
        ctest_seen = 1
        next
    }

    match($0, /^\[  PASSED  \] [0-9]+ test/)  { split($0, words, " "); cmocka_passed += words[4]; cmocka_seen = 1; next }
    match($0, /^\[  FAILED  \] [0-9]+ test/)  { split($0, words, " "); cmocka_failed += words[4]; cmocka_seen = 1; next }
    match($0, /^\[  SKIPPED \] [0-9]+ test/)  { split($0, words, " "); cmocka_skipped += words[4]; cmocka_seen = 1; next }

    match($0, /^([A-Za-z][A-Za-z0-9_-]*: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$/) {
        line = $0
        sub(/^[A-Za-z][A-Za-z0-9_-]*: /, "", line)
        gsub(/[^0-9 ]/, "", line)
        split(line, numbers, " ")
        plain_passed += numbers[1]
        plain_failed += numbers[2]
        plain_skipped += numbers[3]
        plain_seen = 1
        next
    }

    END {
        passed = 0; failed = 0; skipped = 0
        if (uvu_seen) {
            passed += uvu_passed; failed += uvu_total - uvu_passed; skipped += uvu_skipped
        } else if (partial_seen) {
            passed += partial_passed; failed += partial_total - partial_passed + 1
        }
        if (ctest_seen) {
            passed += ctest_total - ctest_failed; failed += ctest_failed
        } else if (cmocka_seen) {
            passed += cmocka_passed; failed += cmocka_failed; skipped += cmocka_skipped
        }
        if (plain_seen) {
            passed += plain_passed; failed += plain_failed; skipped += plain_skipped
        }
        printf "passed=%d\nfailed=%d\nskipped=%d\n", passed, failed, skipped
        printf "counted=%s\n", (uvu_seen || partial_seen || ctest_seen || cmocka_seen || plain_seen) ? "yes" : "no"
    }
'
