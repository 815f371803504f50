# shellcheck shell=bash
# A private Postgres cluster from Debian's packages: installed when absent, owned by the postgres OS
# user (the server refuses to run as root), listening on 127.0.0.1 and a socket inside its data dir.

pg_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && echo "$dir"
}

ensure_postgres_installed() {
  if [ -z "$(pg_bin_dir)" ]; then
    echo "==> Installing PostgreSQL from Debian's packages"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  fi
  PG_BIN=$(pg_bin_dir)
  [ -n "$PG_BIN" ] || { echo "PostgreSQL binaries not found after install" >&2; return 1; }
}

# Run a command as the cluster owner: postgres when we are root, ourselves otherwise.
as_pg_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo 55432
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

# pg_cluster_start DATA_DIR PORT [durable]: initialises the cluster on first use, then starts it.
# Throwaway clusters (tests, bench) run with fsync=off for speed; pass "durable" for one whose data a user
# keeps (scripts/run): fsync stays on, so a crash or power cut cannot corrupt it.
pg_cluster_start() {
  local data_dir=$1 port=$2 fsync=off
  [ "${3:-}" = "durable" ] && fsync=on
  mkdir -p "$data_dir"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$data_dir"; fi
  if [ ! -f "$data_dir/pgdata/PG_VERSION" ]; then
    as_pg_owner "$PG_BIN/initdb" -D "$data_dir/pgdata" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
  fi
  as_pg_owner "$PG_BIN/pg_ctl" -D "$data_dir/pgdata" -l "$data_dir/postgres.log" -w -t 60 \
    -o "-p $port -k $data_dir -c listen_addresses=127.0.0.1 -c fsync=$fsync -c max_connections=200" start >/dev/null
}

pg_cluster_stop() {
  local data_dir=$1
  [ -f "$data_dir/pgdata/postmaster.pid" ] && as_pg_owner "$PG_BIN/pg_ctl" -D "$data_dir/pgdata" -m fast -w stop >/dev/null 2>&1 || true
}

# Port of a running cluster in DATA_DIR, empty when it is not running.
pg_cluster_port() {
  local pid_file=$1/pgdata/postmaster.pid
  [ -f "$pid_file" ] && as_pg_owner "$PG_BIN/pg_ctl" -D "$1/pgdata" status >/dev/null 2>&1 && sed -n 4p "$pid_file"
}
