#!/usr/bin/env bash
# Makes the PostgreSQL database at TEST_DATABASE_URL reachable without a password, or exits 1
# with the reason. Default URL: postgres://postgres@127.0.0.1:5432/test.
#
# Each step runs only when the one before it found a gap, and each change is printed:
#   1. no PostgreSQL installed: as root, apt-get install postgresql
#   2. no server responds on the URL's port: start the local cluster on that port
#      (pg_ctlcluster, as listed by pg_lsclusters), or the data directory in PG_DATA_DIR with
#      pg_ctl when that is set (a private instance made with initdb, as the tests use)
#   3. the server asks for a password: add a trust line for the URL's user and host to the
#      cluster's pg_hba.conf, ahead of the other lines, and reload
#   4. the role or the database is missing: create it
# Steps 3 and 4 run psql as the cluster's OS owner (root goes through runuser) with the superuser
# role PG_ADMIN_ROLE (default postgres) over the cluster's Unix socket, where Debian's clusters
# use peer authentication and initdb's default is trust.
# Only a server on this machine (127.0.0.1, ::1 or localhost) is ever started or changed.
set -euo pipefail

url=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
data_dir=${PG_DATA_DIR:+$(realpath -m "$PG_DATA_DIR")}
admin_role=${PG_ADMIN_ROLE:-postgres}
start_timeout_sec=${PG_START_TIMEOUT_SEC:-30}

fail() {
    echo "ensure-postgres: $*" >&2
    exit 1
}

say() {
    echo "ensure-postgres: $*"
}

# Split the URL into user, host, port and database. The password, if any, is never printed.
url_pattern='^postgres(ql)?://(([^:@/]+)(:[^@/]*)?@)?(\[[^]]+\]|[^:/?]+)(:([0-9]+))?/([^?]+)'
if [[ ! $url =~ $url_pattern ]]; then
    fail "TEST_DATABASE_URL is not a postgres://user@host:port/database URL"
fi
db_user=${BASH_REMATCH[3]:-postgres}
db_host=${BASH_REMATCH[5]}
db_host=${db_host#[}
db_host=${db_host%]}
db_port=${BASH_REMATCH[7]:-5432}
db_name=${BASH_REMATCH[8]}
shown_url="postgres://$db_user@$db_host:$db_port/$db_name"

is_local_host() {
    case "$db_host" in
        127.0.0.1 | ::1 | localhost) return 0 ;;
        *) return 1 ;;
    esac
}

is_root() {
    [ "$(id -u)" -eq 0 ]
}

# Step 1: the client and server programs.
install_postgres() {
    if command -v psql >/dev/null && command -v pg_isready >/dev/null; then
        return
    fi
    if ! is_root; then
        fail "psql and pg_isready are missing; install them as root with: apt-get update && apt-get install -y --no-install-recommends postgresql"
    fi
    say "PostgreSQL is not installed: installing the postgresql package"
    DEBIAN_FRONTEND=noninteractive apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
}

server_answers() {
    pg_isready -q -h "$db_host" -p "$db_port" -t 3
}

# Waits until the server accepts connections: after a start, or when one is starting already.
wait_for_server() {
    local waited=0
    until server_answers; do
        if [ "$waited" -ge "$start_timeout_sec" ]; then
            fail "the server on port $db_port did not accept connections within $start_timeout_sec s"
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

# Prints "VERSION CLUSTER OWNER DATA_DIR" of the Debian cluster on db_port, or nothing.
find_debian_cluster() {
    command -v pg_lsclusters >/dev/null || return 0
    pg_lsclusters --no-header | awk -v port="$db_port" '$3 == port { print $1, $2, $5, $6; exit }'
}

# Prints the OS user that owns the server's files.
cluster_owner() {
    if [ -n "$data_dir" ]; then
        stat -c %U "$data_dir"
    else
        find_debian_cluster | awk '{ print $3 }'
    fi
}

cluster_data_dir() {
    if [ -n "$data_dir" ]; then
        echo "$data_dir"
    else
        find_debian_cluster | awk '{ print $4 }'
    fi
}

# Runs a command as the cluster owner: directly when that is who we are, through runuser as root.
run_as_owner() {
    local owner
    owner=$(cluster_owner)
    [ -n "$owner" ] || fail "no local cluster found for port $db_port, so nothing can be started or changed"
    if [ "$(id -un)" = "$owner" ]; then
        "$@"
    elif is_root; then
        # From /, because the owner may not be allowed into the current directory.
        (cd / && runuser -u "$owner" -- "$@")
    else
        fail "changing the cluster needs its owner $owner: run as root or as $owner"
    fi
}

# Step 2: start the server when none responds.
start_server() {
    is_local_host || fail "no server responds at $db_host:$db_port and it is not on this machine, so it cannot be started here"

    if [ -n "$data_dir" ]; then
        [ -f "$data_dir/PG_VERSION" ] || fail "PG_DATA_DIR $data_dir is not a PostgreSQL data directory"
        say "no server responds on port $db_port: starting the server in $data_dir"
        run_as_owner pg_ctl -D "$data_dir" -l "$data_dir/server.log" -w -t "$start_timeout_sec" start >/dev/null
    else
        local cluster
        cluster=$(find_debian_cluster)
        if [ -z "$cluster" ]; then
            fail "no server responds on port $db_port and pg_lsclusters lists no cluster on that port"
        fi
        read -r version name _ <<<"$cluster"
        say "no server responds on port $db_port: starting cluster $version/$name"
        pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start ||
            fail "pg_ctlcluster $version $name start failed; see /var/log/postgresql/postgresql-$version-$name.log"
    fi
    wait_for_server
}

# Runs one SQL statement as the cluster owner over the server's Unix socket.
admin_sql() {
    local socket_dir
    socket_dir=$(sed -n 5p "$(cluster_data_dir)/postmaster.pid" 2>/dev/null || true)
    [ -n "$socket_dir" ] || fail "cannot find the server's socket directory in its postmaster.pid"
    run_as_owner psql -X -q -t -A -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$db_port" -U "$admin_role" -d postgres -c "$1"
}

# Step 3: trust the URL's user from the URL's host, ahead of any password rule.
trust_local_user() {
    is_local_host || fail "the server at $db_host:$db_port asks for a password and is not on this machine"

    local hba_file addresses address
    hba_file=$(admin_sql "SHOW hba_file")
    [ -w "$hba_file" ] || fail "the server asks for a password and $hba_file is not writable by $(id -un)"
    case "$db_host" in
        127.0.0.1) addresses="127.0.0.1/32" ;;
        ::1) addresses="::1/128" ;;
        *) addresses="127.0.0.1/32 ::1/128" ;;
    esac

    # pg_hba.conf is read top down and the first matching line wins, so the new lines go first.
    # Writing through cat keeps the file's owner and mode.
    local updated
    updated=$(mktemp)
    {
        echo "# Added by tools/ci/ensure-postgres.sh: tests connect as $db_user without a password."
        for address in $addresses; do
            printf 'host    all    %s    %s    trust\n' "$db_user" "$address"
        done
        cat "$hba_file"
    } >"$updated"
    cat "$updated" >"$hba_file"
    rm -f "$updated"

    admin_sql "SELECT pg_reload_conf()" >/dev/null
    say "the server asked for a password: added 'host all $db_user $addresses trust' at the top of $hba_file and reloaded"
}

sql_identifier() {
    printf '"%s"' "${1//\"/\"\"}"
}

# Step 4: the role and the database.
create_role() {
    admin_sql "CREATE ROLE $(sql_identifier "$db_user") LOGIN" >/dev/null
    say "role $db_user was missing: created it"
}

create_database() {
    admin_sql "CREATE DATABASE $(sql_identifier "$db_name") OWNER $(sql_identifier "$db_user")" >/dev/null
    say "database $db_name was missing: created it"
}

# Tries the URL itself and prints psql's error on failure. With -w a password request is an error.
try_connect() {
    PGPASSWORD='' PGCONNECT_TIMEOUT=5 psql -X -w -q -t -A -c "SELECT 1" "$url" 2>&1 >/dev/null
}

install_postgres

# pg_isready exits 1 while a server is starting or shutting down, and 2 when none responds.
pg_isready -q -h "$db_host" -p "$db_port" -t 3 && ready_status=0 || ready_status=$?
case "$ready_status" in
    0) ;;
    1) say "the server on port $db_port is not accepting connections yet: waiting"; wait_for_server ;;
    2) start_server ;;
    *) fail "pg_isready could not check $db_host:$db_port (exit $ready_status)" ;;
esac

# Each pass fixes at most one gap, so four passes cover a password rule, a role and a database.
for _ in 1 2 3 4; do
    if error=$(try_connect); then
        say "ready at $shown_url"
        exit 0
    fi

    case "$error" in
        *"password authentication failed"* | *"no password supplied"* | *"password is required"*)
            trust_local_user ;;
        *"role \"$db_user\" does not exist"*)
            create_role ;;
        *"database \"$db_name\" does not exist"*)
            create_database ;;
        *)
            fail "cannot connect to $shown_url: $error" ;;
    esac
done

fail "cannot connect to $shown_url after fixing what was found: $(try_connect)"
