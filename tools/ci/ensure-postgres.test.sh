#!/usr/bin/env bash
# Tests tools/ci/ensure-postgres.sh against a private PostgreSQL instance made with initdb in a
# temporary directory, on a port from 18000-18999, never against the shared cluster on 5432.
# The instance starts in the state a CI machine was once found in: stopped, asking for a
# password on 127.0.0.1, and without the `test` database. Prints "ok"/"not ok" per check and
# closes with "ensure-postgres: N passed, N failed". Takes about 5 s.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
script=$root/tools/ci/ensure-postgres.sh
# shellcheck source=tools/ci/test-harness.sh
source "$root/tools/ci/test-harness.sh"

# initdb and postgres refuse to run as root, so root runs the instance as the postgres OS user.
if [ "$(id -u)" -eq 0 ]; then
    owner=postgres
    id -u "$owner" >/dev/null 2>&1 || { echo "not ok - the postgres OS user exists"; failed=1; finish; }
else
    owner=$(id -un)
fi

as_owner() {
    if [ "$(id -un)" = "$owner" ]; then
        "$@"
    else
        (cd / && runuser -u "$owner" -- "$@")
    fi
}

work=$(mktemp -d)
data=$work/data
chmod 755 "$work"
chown "$owner" "$work"

cleanup() {
    as_owner pg_ctl -D "$data" -m immediate stop >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

port=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
    candidate=$((18000 + RANDOM % 1000))
    pg_isready -q -h 127.0.0.1 -p "$candidate" -t 1
    if [ "$?" -eq 2 ]; then
        port=$candidate
        break
    fi
done
[ -n "$port" ] || { echo "not ok - a free port in 18000-18999 is found"; failed=1; finish; }

# Peer auth on the socket, as in Debian's clusters, and a password for TCP connections.
as_owner initdb -D "$data" -U postgres --auth-local=peer --auth-host=scram-sha-256 >"$work/initdb.log" 2>&1 ||
    { echo "not ok - initdb makes the private instance"; cat "$work/initdb.log"; failed=1; finish; }
if [ "$owner" != postgres ]; then
    # A peer connection maps the OS user to a role of the same name, and only root can be postgres.
    sed -i 's/^local \+all \+all \+peer$/local all all trust/' "$data/pg_hba.conf"
fi
cat >>"$data/postgresql.conf" <<EOF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
fsync = off
EOF

url=postgres://postgres@127.0.0.1:$port/test
run_script() {
    TEST_DATABASE_URL=$1 PG_DATA_DIR=$data "$script" >"$work/output" 2>&1
}
output_has() {
    grep -qF -- "$1" "$work/output"
}
connects() {
    PGPASSWORD='' psql -X -w -q -t -A -c "SELECT 1" "$1" >/dev/null 2>&1
}
trust_line_count() {
    grep -c "^host \+all \+postgres \+127.0.0.1/32 \+trust$" "$data/pg_hba.conf"
}

# A stopped server with password auth and no test database.
check "the private instance starts stopped" test ! -e "$data/postmaster.pid"
check "ensure-postgres exits 0 on a stopped, password-only instance" run_script "$url"
cat "$work/output"
check "it says it started the server" output_has "starting the server in $data"
check "it says it added a trust line" output_has "added 'host all postgres 127.0.0.1/32 trust'"
check "it says it created the database" output_has "database test was missing: created it"
check "the URL then connects without a password" connects "$url"
check "pg_hba.conf holds one trust line for postgres" test "$(trust_line_count)" -eq 1
check "the trust line comes before the password rule" \
    test "$(grep -n 'trust$' "$data/pg_hba.conf" | head -1 | cut -d: -f1)" -lt \
    "$(grep -n '^host .*scram-sha-256' "$data/pg_hba.conf" | head -1 | cut -d: -f1)"

# A second run finds nothing to fix.
check "a second run exits 0" run_script "$url"
check "a second run only reports ready" test "$(cat "$work/output")" = "ensure-postgres: ready at $url"
check "a second run adds no trust line" test "$(trust_line_count)" -eq 1

# Another user: its own trust line and a new role, on the running server.
check "a missing role is created" run_script "postgres://ci_runner@127.0.0.1:$port/test"
check "it says it created the role" output_has "role ci_runner was missing: created it"
check "the new role connects" connects "postgres://ci_runner@127.0.0.1:$port/test"

# No server responds and no cluster is known on the port: a clear failure, nothing started.
as_owner pg_ctl -D "$data" -m fast -w stop >/dev/null 2>&1
check "an unknown stopped server is a failure" \
    bash -c "! TEST_DATABASE_URL=$url '$script' >'$work/output' 2>&1"
check "the failure names the port" output_has "pg_lsclusters lists no cluster on that port"

check "a malformed URL is a failure" bash -c "! TEST_DATABASE_URL=mysql://x '$script' >'$work/output' 2>&1"
check "the failure names the expected form" output_has "is not a postgres://user@host:port/database URL"

finish ensure-postgres
