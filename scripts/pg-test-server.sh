#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, listening on 127.0.0.1 only.
#   scripts/pg-test-server.sh start DIR PORT   create the cluster in DIR and start it on PORT
#   scripts/pg-test-server.sh stop DIR         stop it (nothing to do when it is not running)
#   scripts/pg-test-server.sh resume DIR PORT  start the cluster already in DIR again, keeping its data
#
# The superuser is `postgres`, authenticated with SCRAM-SHA-256. Its password is generated
# into DIR/superuser.pw (mode 600) and given to initdb with --pwfile, never on a command line.
# The server log is DIR/server.log, the pid file DIR/data/postmaster.pid, the socket in DIR.
# `start` is idempotent: a server from DIR already running on PORT is kept; one from DIR on
# another port (left over by an interrupted run) is stopped and the cluster created afresh.
# As root, the server runs as the user `postgres` (or $PG_TEST_USER) and DIR belongs to it.
# Exit status 3: no PostgreSQL server binaries (set PG_BINDIR or run scripts/install-deps.sh --test).
set -euo pipefail

die() { echo "pg-test-server: $*" >&2; exit 1; }

find_bindir() {
  local d
  for d in "${PG_BINDIR:-}" "$(dirname "$(readlink -f "$(command -v pg_ctl || echo /none/pg_ctl)")")" \
           $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && [ -x "$d/pg_isready" ]; then echo "$d"; return; fi
  done
  echo "pg-test-server: PostgreSQL server binaries (initdb, pg_ctl, postgres, pg_isready) not found; run scripts/install-deps.sh --test (or set PG_BINDIR)" >&2
  exit 3
}

# Runs a command as the server's user: ourselves, or an unprivileged user when we are root.
as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$server_user" -- "$@"; else "$@"; fi
}

# The pid of the server running from DIR, if any.
server_pid() {
  local pidfile="$1/data/postmaster.pid" pid
  [ -f "$pidfile" ] || return 1
  pid=$(head -n 1 "$pidfile")
  [ -n "$pid" ] && grep -q postgres "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

stop() {
  local dir=$1 pid
  pid=$(server_pid "$dir") || { rm -f "$dir/data/postmaster.pid"; return 0; }
  as_server "$bin/pg_ctl" stop -D "$dir/data" -m fast -w -t 20 >/dev/null 2>&1 || kill -QUIT "$pid" 2>/dev/null || true
}

start() {
  local dir=$1 port=$2 pid
  [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number, not '$port'"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  cd "$dir"
  if pid=$(server_pid "$dir") && [ "$(sed -n 4p data/postmaster.pid)" = "$port" ] \
     && "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; then
    return 0  # already running on PORT
  fi
  stop "$dir"
  rm -rf data superuser.pw server.log initdb.log
  if [ "$(id -u)" -eq 0 ]; then
    id "$server_user" >/dev/null 2>&1 || die "running as root needs an unprivileged user '$server_user' (set PG_TEST_USER)"
    chown "$server_user" "$dir"
  fi
  chmod 700 "$dir"
  as_server test -w "$dir" || die "user $server_user cannot write $dir (is a parent directory closed to it?)"
  (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > superuser.pw)
  [ "$(id -u)" -ne 0 ] || chown "$server_user" superuser.pw
  as_server "$bin/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 --pwfile="$dir/superuser.pw" \
    -E UTF8 --locale=C --no-sync --no-instructions >initdb.log 2>&1 || { cat initdb.log >&2; die "initdb failed"; }
  cat >>data/postgresql.conf <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
lc_messages = 'C'
log_connections = on
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 20
shared_buffers = 16MB
EOF
  as_server "$bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 30 >/dev/null 2>&1 \
    || { tail -n 20 server.log >&2 || true; die "the server did not start on port $port"; }
}

resume() {
  local dir=$1 port=$2
  [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number, not '$port'"
  [ -f "$dir/data/PG_VERSION" ] || die "no cluster in $dir (use start)"
  server_pid "$dir" >/dev/null && return 0
  rm -f "$dir/data/postmaster.pid"
  as_server "$bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 30 >/dev/null 2>&1 \
    || { tail -n 20 "$dir/server.log" >&2 || true; die "the server did not start again on port $port"; }
}

server_user=${PG_TEST_USER:-postgres}
case "${1:-}" in
  start) [ $# -eq 3 ] || die "usage: $0 start DIR PORT"; bin=$(find_bindir); start "$2" "$3" ;;
  stop)  [ $# -eq 2 ] || die "usage: $0 stop DIR"; [ -d "$2" ] || exit 0; bin=$(find_bindir); stop "$(cd "$2" && pwd)" ;;
  resume) [ $# -eq 3 ] || die "usage: $0 resume DIR PORT"; bin=$(find_bindir); resume "$(cd "$2" && pwd)" "$3" ;;
  *) die "usage: $0 start DIR PORT | stop DIR | resume DIR PORT" ;;
esac
