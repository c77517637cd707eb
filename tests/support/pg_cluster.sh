#!/bin/bash
# A throwaway PostgreSQL cluster for tests: `pg_cluster.sh start DIR` creates a cluster in
# DIR/data (initdb as the unprivileged `postgres` user the Debian package creates; initdb
# refuses root), starts it listening only on a Unix socket in DIR (listen_addresses='': no
# TCP, nothing leaves the machine), fsync off (a test cluster need not survive a crash),
# creates the database `portlens` and writes its URL to DIR/url (and stdout).
# `pg_cluster.sh stop DIR` stops it and removes DIR.
# Exit 77 (skipped) without root or without the PostgreSQL server binaries.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
dir=$2

bindir=""
for candidate in /usr/lib/postgresql/*/bin; do
  [[ -x $candidate/initdb ]] && bindir=$candidate
done

case $action in
  start)
    if [[ $(id -u) -ne 0 ]]; then
      echo "pg_cluster: skipped, needs root (to run the cluster as the postgres user)" >&2
      exit 77
    fi
    if [[ -z $bindir ]] || ! id postgres >/dev/null 2>&1; then
      echo "pg_cluster: skipped, no PostgreSQL server (apt-get install postgresql-15)" >&2
      exit 77
    fi
    # A cluster left by an interrupted run: stop it first.
    if [[ -f $dir/data/postmaster.pid ]]; then
      runuser -u postgres -- "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 ||
        true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    chown postgres: "$dir"
    chmod 700 "$dir"
    runuser -u postgres -- "$bindir/initdb" -D "$dir/data" -U postgres -A trust \
      --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    runuser -u postgres -- "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    runuser -u postgres -- "$bindir/createdb" -h "$dir" -U postgres portlens
    url="postgresql:///portlens?host=$dir&user=postgres"
    # Readable by the tests (root) and by unprivileged processes a test may start.
    chmod 755 "$dir"
    echo "$url" >"$dir/url"
    echo "$url"
    ;;
  stop)
    if [[ -n $bindir && -f $dir/data/postmaster.pid ]]; then
      runuser -u postgres -- "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *) usage ;;
esac
