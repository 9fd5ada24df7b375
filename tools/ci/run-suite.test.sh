#!/usr/bin/env bash
# Tests count-tests.sh, run-suite.sh and summarize-tests.sh on output from the real runners:
# uvu (this repository's node_modules), ctest, and a cmocka program built against Debian's
# libcmocka-dev. Every nested run writes to files, never to this script's output, so the counts
# of the suite that runs this script are not mixed with them. Closes with
# "run-suite: N passed, N failed". Takes about 5 s.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/ci/test-harness.sh
source "$root/tools/ci/test-harness.sh"

# Checks that count-tests.sh reads FILE as "passed failed skipped counted".
counts_are() {
    local file=$1 expected=$2 actual
    actual=$("$root/tools/ci/count-tests.sh" "$file" | sed 's/^[a-z]*=//' | paste -sd' ')
    if [ "$actual" != "$expected" ]; then
        echo "  $file: expected '$expected', got '$actual'"
        return 1
    fi
}

# Inside the repository, so that the test files below resolve "uvu" from its node_modules.
mkdir -p "$root/build"
work=$(mktemp -d "$root/build/run-suite-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

# uvu: two passing tests, one failing and one skipped.
mkdir -p "$work/uvu-mixed" "$work/uvu-hook"
cat >"$work/uvu-mixed/mixed.test.mjs" <<'EOF'
import { test } from "uvu";
import * as assert from "uvu/assert";
test("adds", () => assert.is(1 + 1, 2));
test("joins", () => assert.is("a" + "b", "ab"));
test("fails on purpose", () => assert.is(1, 2));
test.skip("is skipped", () => {});
test.run();
EOF
# uvu: a `before` hook that throws keeps both tests from running, yet uvu exits 0.
cat >"$work/uvu-hook/hook.test.mjs" <<'EOF'
import { suite } from "uvu";
const group = suite("hook");
group.before(() => { throw new Error("setup failed on purpose"); });
group("first", () => {});
group("second", () => {});
group.run();
EOF
# uvu: an `after` hook that throws ends the process before the summary; the file before it passed.
mkdir -p "$work/uvu-crash"
cat >"$work/uvu-crash/a-passes.test.mjs" <<'EOF'
import { test } from "uvu";
import * as assert from "uvu/assert";
test("adds", () => assert.is(1 + 1, 2));
test("joins", () => assert.is("a" + "b", "ab"));
test.run();
EOF
cat >"$work/uvu-crash/b-crashes.test.mjs" <<'EOF'
import { suite } from "uvu";
const group = suite("crash");
group.after(() => { throw new Error("teardown failed on purpose"); });
group("runs", () => {});
group.run();
EOF
(cd "$root" && node node_modules/uvu/bin.js "$work/uvu-mixed" '\.test\.mjs$' >"$work/uvu-mixed.log" 2>&1)
uvu_status=$?
(cd "$root" && node node_modules/uvu/bin.js "$work/uvu-crash" '\.test\.mjs$' >"$work/uvu-crash.log" 2>&1)
crash_status=$?
(cd "$root" && node node_modules/uvu/bin.js "$work/uvu-hook" '\.test\.mjs$' >"$work/uvu-hook.log" 2>&1)
hook_status=$?

check "uvu exits 1 on a failing test" test "$uvu_status" -eq 1
check "uvu counts read despite colour codes" grep -q $'\e\\[' "$work/uvu-mixed.log"
check "uvu mixed run: 2 passed, 1 failed, 1 skipped" counts_are "$work/uvu-mixed.log" "2 1 1 yes"
check "uvu exits 0 when a hook throws" test "$hook_status" -eq 0
check "uvu tests kept from running count as failed" counts_are "$work/uvu-hook.log" "0 2 0 yes"
check "uvu exits 1 when an after hook throws" test "$crash_status" -eq 1
check "uvu run ended early: finished suites plus 1 failed" counts_are "$work/uvu-crash.log" "2 1 0 yes"

# cmocka and ctest: one cmocka program (2 pass, 1 fails) and one plain program that passes.
mkdir -p "$work/c"
cat >"$work/c/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(count_tests_fixture C)
enable_testing()
add_executable(mixed mixed.c)
target_link_libraries(mixed cmocka)
add_test(NAME mixed COMMAND mixed)
add_test(NAME passes COMMAND true)
EOF
cat >"$work/c/mixed.c" <<'EOF'
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

static void adds(void **state) { (void)state; assert_int_equal(1 + 1, 2); }
static void compares(void **state) { (void)state; assert_true(3 > 2); }
static void fails_on_purpose(void **state) { (void)state; assert_int_equal(1, 2); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(adds),
        cmocka_unit_test(compares),
        cmocka_unit_test(fails_on_purpose),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
EOF
if cmake -S "$work/c" -B "$work/c/build" >"$work/cmake.log" 2>&1 &&
    cmake --build "$work/c/build" >>"$work/cmake.log" 2>&1; then
    "$work/c/build/mixed" >"$work/cmocka.log" 2>&1
    check "cmocka exits non-zero on a failing test" test "$?" -ne 0
    check "cmocka run: 2 passed, 1 failed" counts_are "$work/cmocka.log" "2 1 0 yes"

    ctest --test-dir "$work/c/build" --output-on-failure >"$work/ctest.log" 2>&1
    check "ctest exits non-zero on a failing test" test "$?" -ne 0
    check "ctest run counts programs, not cmocka tests" counts_are "$work/ctest.log" "1 1 0 yes"
else
    check "the cmocka fixture builds (see $work/cmake.log)" false
    sed 's/^/  /' "$work/cmake.log"
fi

# The plain closing line, with and without a leading word.
printf 'shell: 4 passed, 1 failed\n3 passed, 0 failed, 2 skipped\n' >"$work/plain.log"
check "plain lines add up" counts_are "$work/plain.log" "7 1 2 yes"
printf 'no counts here\n' >"$work/none.log"
check "output without counts is marked" counts_are "$work/none.log" "0 0 0 no"

# run-suite.sh and summarize-tests.sh, writing into the scratch folder.
run_suite() {
    TEST_OUTPUT_DIR=$work/out "$root/tools/ci/run-suite.sh" "$@" >"$work/run-suite.out" 2>&1
}
result_is() {
    local suite=$1 expected=$2 actual
    actual=$(sed -n 's/^\(status\|passed\|failed\)=//p' "$work/out/test-results/$suite.txt" | paste -sd' ')
    if [ "$actual" != "$expected" ]; then
        echo "  $suite: expected '$expected' (status passed failed), got '$actual'"
        return 1
    fi
}

run_suite crash bash -c 'echo boom; exit 3'
check "run-suite keeps a command's exit status" test "$?" -eq 3
check "a failure without counts is 1 failed" result_is crash "3 0 1"
check "run-suite tees the output to the log" grep -qx boom "$work/out/test-logs/crash.log"

run_suite quiet true
check "a success without counts is 1 passed" result_is quiet "0 1 0"

mkdir -p "$work/uvu-empty"
run_suite empty bash -c "cd '$root' && node node_modules/uvu/bin.js '$work/uvu-empty' '\.test\.mjs$'"
check "run-suite fails a run of no test" test "$?" -eq 1
check "a run of no test is 1 failed" result_is empty "1 0 1"

run_suite hook cat "$work/uvu-hook.log"
check "run-suite fails a run whose counts show failures" test "$?" -eq 1
check "the failures are recorded" result_is hook "0 0 2"

SUITE_TIMEOUT_SEC=1 run_suite slow sleep 5
check "a suite over SUITE_TIMEOUT_SEC is stopped" result_is slow "124 0 1"

TEST_OUTPUT_DIR=$work/out "$root/tools/ci/summarize-tests.sh" crash quiet hook absent >"$work/summary.out" 2>&1
check "summarize-tests fails when a suite failed" test "$?" -eq 1
check "a suite without a result did not run" grep -q "absent *did not run" "$work/summary.out"
check "the total line sums every suite" grep -qx "total: 1 passed, 4 failed, 0 skipped" "$work/summary.out"
check "the totals file has the same sums" test "$(paste -sd' ' "$work/out/test-results/total.txt")" = "passed=1 failed=4 skipped=0"

TEST_OUTPUT_DIR=$work/out "$root/tools/ci/summarize-tests.sh" quiet >"$work/summary.out" 2>&1
check "summarize-tests passes when every suite passed" test "$?" -eq 0

finish run-suite
