# The small TAP-style harness of the shell tests in tools/ci, sourced by each *.test.sh.
# `check DESCRIPTION COMMAND...` runs one check; `finish NAME` prints "NAME: N passed, N failed",
# the line the suite runner counts, and returns non-zero when any check failed.
passed=0
failed=0

check() {
    local description=$1
    shift
    if "$@"; then
        echo "ok - $description"
        passed=$((passed + 1))
    else
        echo "not ok - $description"
        failed=$((failed + 1))
    fi
}

finish() {
    echo "$1: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
