#!/usr/bin/env bash
# Real daemons from Debian packages (plus hostile fakes) inside a lab's TARGET namespace, for
# service and version detection tests and benchmarks. Never system services: every daemon is
# started here with its own config written into DIR, listens only on the lab address below
# inside plab-NAME-t, and is stopped by pid. Read /work/shared/docs/network-safety.md first.
#
#   daemons.sh start NAME DIR [--fan CIDR]   start everything in lab NAME (lab.sh up NAME
#                                 first); DIR: an empty temporary folder (configs, keys, data,
#                                 logs, pids). --fan 198.19.1.0/24: every address of that block
#                                 answers with the same daemons too (nftables DNAT in the
#                                 target namespace), for benchmarks over many hosts
#   daemons.sh stop NAME DIR      stop everything started in DIR (by pid) and remove DIR
#   daemons.sh truth DIR          ground truth TSV: ip port service product package
#                                 debian_version upstream_version (versions read from dpkg now)
#   daemons.sh ports              the ports, comma-separated (for nmap -p)
#
# Host: DAEMONS_HOST (default 198.19.0.20): an IPv4 lab address that truth.tsv does not use.
# IPv6: DAEMONS_HOST6 (default 2001:2:0:1::20, in the lab's IPv6 block, assigned to the target
# namespace's lo, so daemons bind it like any local address) serves the ports of V6_PORTS
# too: sshd, nginx (plain and TLS), dovecot's imap, postgresql and redis.
# Packages: scripts/install-deps.sh installs them without starting them.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_SH="$LAB_DIR/lab.sh"
HOST=${DAEMONS_HOST:-198.19.0.20}
HOST6=${DAEMONS_HOST6:-2001:2:0:1::20}
V6_PORTS="22 80 443 143 5432 6379"
MARKER=.portlens-daemons
PG_BIN=$(find /usr/lib/postgresql -maxdepth 3 -name postgres -path '*/bin/*' 2>/dev/null |
  sort -V | tail -n 1 || true)

# The services: daemon, port, service as nmap -sV names it (ssl/NAME inside TLS; "-" = any), product
# (a short name the scanner's product must contain; "-" = not asserted), binary (its package
# gives the version; "-" = a fake, no version).
SERVICES="sshd 22 ssh OpenSSH /usr/sbin/sshd
sshd 2222 ssh OpenSSH /usr/sbin/sshd
vsftpd 21 ftp vsftpd /usr/sbin/vsftpd
exim 25 smtp Exim /usr/sbin/exim4
exim 587 smtp Exim /usr/sbin/exim4
nginx 80 http nginx /usr/sbin/nginx
nginx 443 ssl/http nginx /usr/sbin/nginx
nginx 8888 http nginx /usr/sbin/nginx
nginx 9443 ssl/http nginx /usr/sbin/nginx
dovecot 110 pop3 Dovecot /usr/sbin/dovecot
dovecot 143 imap Dovecot /usr/sbin/dovecot
dovecot 993 ssl/imap Dovecot /usr/sbin/dovecot
dovecot 995 ssl/pop3 Dovecot /usr/sbin/dovecot
mariadb 3306 mysql MariaDB /usr/sbin/mariadbd
postgres 5432 postgresql PostgreSQL $PG_BIN
redis 6379 redis Redis /usr/bin/redis-server
redis2 7777 redis Redis /usr/bin/redis-server
memcached 11211 memcached Memcached /usr/bin/memcached
mosquitto 1883 mqtt Mosquitto /usr/sbin/mosquitto
hostile 9001 ssh - -
hostile 9002 - - -
hostile 9003 tcpwrapped - -
hostile 9004 - - -
hostile 9005 ssl/http - -"

log() { echo "daemons: $*" >&2; }
fail() {
  log "ERROR: $*"
  exit 1
}

lab_ns() {
  TARGET_NS=$("$LAB_SH" ns "$1" | awk '{ print $2 }')
  [ -e "/run/netns/$TARGET_NS" ] || fail "lab $1 is not up (lab.sh up $1)"
}

# in_target CMD...: runs CMD in the target namespace (ip netns exec execs it: same pid).
in_target() { ip netns exec "$TARGET_NS" "$@"; }

# launch NAME [--as USER] CMD...: CMD in the background inside the target namespace (as USER
# when given), output to DIR/log/NAME.log, pid in DIR/pids/NAME.pid. nsenter and setpriv both
# exec (ip netns exec forks and waits, so $! would be ip, not the daemon). The environment
# marks the process as ours, so `stop` also finds what a daemon forked.
launch() {
  local name=$1 prefix=()
  shift
  if [ "$1" = --as ]; then
    prefix=(setpriv --reuid "$2" --regid "$(id -gn "$2")" --init-groups --)
    shift 2
  fi
  PORTLENS_DAEMONS_DIR=$DIR nsenter --net="/run/netns/$TARGET_NS" -- "${prefix[@]}" "$@" \
    </dev/null >>"$DIR/log/$name.log" 2>&1 &
  echo $! >"$DIR/pids/$name.pid"
}

make_certificates() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=daemons.lab.test" \
    -addext "subjectAltName=DNS:daemons.lab.test,IP:$HOST,IP:$HOST6" \
    -keyout "$DIR/tls/key.pem" -out "$DIR/tls/cert.pem" >/dev/null 2>&1
  # An expired self-signed certificate (2020-2021): openssl ca can set both dates.
  local ca="$DIR/tls/expired-ca"
  mkdir -p "$ca"
  : >"$ca/index.txt"
  cat >"$ca/ca.cnf" <<EOF
[ca]
default_ca = lab
[lab]
dir = $ca
database = $ca/index.txt
new_certs_dir = $ca
serial = $ca/serial
default_md = sha256
policy = anything
copy_extensions = copy
[anything]
commonName = supplied
EOF
  echo 01 >"$ca/serial"
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=expired.lab.test" \
    -keyout "$DIR/tls/expired-key.pem" -out "$ca/req.pem" >/dev/null 2>&1
  openssl ca -batch -config "$ca/ca.cnf" -selfsign -keyfile "$DIR/tls/expired-key.pem" \
    -startdate 20200101000000Z -enddate 20210101000000Z -in "$ca/req.pem" \
    -out "$DIR/tls/expired-cert.pem" >/dev/null 2>&1
  # Read by daemons after they dropped privileges (exim, dovecot's login): a throwaway key.
  chmod 644 "$DIR"/tls/*.pem
}

start_sshd() {
  mkdir -p "$DIR/ssh" /run/sshd  # /run/sshd: sshd's fixed privilege-separation directory
  ssh-keygen -q -t ed25519 -N '' -f "$DIR/ssh/ssh_host_ed25519_key"
  ssh-keygen -q -t ecdsa -N '' -f "$DIR/ssh/ssh_host_ecdsa_key"
  cat >"$DIR/ssh/sshd_config" <<EOF
ListenAddress $HOST:22
ListenAddress $HOST:2222
ListenAddress [$HOST6]:22
HostKey $DIR/ssh/ssh_host_ed25519_key
HostKey $DIR/ssh/ssh_host_ecdsa_key
PidFile $DIR/ssh/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AuthorizedKeysFile none
MaxStartups 2000
UseDNS no
EOF
  launch sshd /usr/sbin/sshd -D -e -f "$DIR/ssh/sshd_config"
}

start_nginx() {
  local n="$DIR/nginx"
  mkdir -p "$n/tmp" "$n/html"
  echo "<html><body>lab</body></html>" >"$n/html/index.html"
  cat >"$n/nginx.conf" <<EOF
user www-data;
worker_processes 1;
pid $n/nginx.pid;
error_log $n/error.log;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $n/tmp/body;
  proxy_temp_path $n/tmp/proxy;
  fastcgi_temp_path $n/tmp/fastcgi;
  uwsgi_temp_path $n/tmp/uwsgi;
  scgi_temp_path $n/tmp/scgi;
  server {
    listen $HOST:80;
    listen $HOST:8888;
    listen $HOST:443 ssl;
    listen $HOST:9443 ssl;
    listen [$HOST6]:80;
    listen [$HOST6]:443 ssl;
    ssl_certificate $DIR/tls/cert.pem;
    ssl_certificate_key $DIR/tls/key.pem;
    root $n/html;
  }
}
EOF
  launch nginx /usr/sbin/nginx -p "$n" -e "$n/error.log" -c "$n/nginx.conf" -g 'daemon off;'
}

start_vsftpd() {
  mkdir -p "$DIR/vsftpd/empty"
  chmod 755 "$DIR/vsftpd/empty"
  cat >"$DIR/vsftpd/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=$HOST
listen_port=21
background=NO
anonymous_enable=YES
anon_root=$DIR/vsftpd/empty
no_anon_password=YES
anon_upload_enable=NO
anon_mkdir_write_enable=NO
local_enable=NO
write_enable=NO
secure_chroot_dir=$DIR/vsftpd/empty
pam_service_name=vsftpd
xferlog_enable=NO
vsftpd_log_file=$DIR/log/vsftpd.xfer
max_clients=0
max_per_ip=0
EOF
  launch vsftpd /usr/sbin/vsftpd "$DIR/vsftpd/vsftpd.conf"
}

start_exim() {
  local e="$DIR/exim"
  mkdir -p "$e/spool"
  chown -R Debian-exim:Debian-exim "$e/spool"
  # A receiving-only MTA: answers EHLO/STARTTLS, refuses every recipient, looks nothing up
  # (no reverse DNS, no ident call-back), delivers nothing.
  cat >"$e/exim.conf" <<EOF
primary_hostname = mail.lab.test
exim_user = Debian-exim
exim_group = Debian-exim
spool_directory = $e/spool
log_file_path = $e/spool/%slog
pid_file_path = $e/exim.pid
local_interfaces = <; $HOST
daemon_smtp_ports = 25 : 587
tls_advertise_hosts = *
tls_certificate = $DIR/tls/cert.pem
tls_privatekey = $DIR/tls/key.pem
host_lookup =
rfc1413_hosts =
rfc1413_query_timeout = 0s
smtp_accept_max = 4000
smtp_accept_reserve = 0
acl_smtp_rcpt = refuse
begin acl
refuse:
  deny message = no mail here
begin routers
begin transports
EOF
  launch exim /usr/sbin/exim4 -C "$e/exim.conf" -bdf
}

start_dovecot() {
  local d="$DIR/dovecot"
  mkdir -p "$d/run" "$d/state"
  : >"$d/users"
  cat >"$d/dovecot.conf" <<EOF
base_dir = $d/run
state_dir = $d/state
instance_name = lab-$NAME
protocols = imap pop3
listen = $HOST, $HOST6
log_path = $DIR/log/dovecot.log
ssl = yes
ssl_cert = <$DIR/tls/cert.pem
ssl_key = <$DIR/tls/key.pem
default_internal_user = dovecot
default_login_user = dovenull
default_process_limit = 1000
default_client_limit = 8000
mail_location = maildir:$d/mail/%u
# High-performance login mode (Dovecot's own name for it): long-lived login processes that
# take many clients each, instead of a fork per connection. With --fan this one Dovecot
# stands for 256 hosts' own; forking it served about 70 connections/s on the 2-CPU bench
# machine and every scanner's probes of 110/143/993/995 queued past their waits.
service imap-login {
  service_count = 0
  process_min_avail = 2
}
service pop3-login {
  service_count = 0
  process_min_avail = 2
}
passdb {
  driver = passwd-file
  args = $d/users
}
userdb {
  driver = passwd-file
  args = $d/users
}
EOF
  launch dovecot /usr/sbin/dovecot -F -c "$d/dovecot.conf"
}

start_mariadb() {
  local m="$DIR/mysql"
  mkdir -p "$m/data"
  chown -R mysql:mysql "$m"
  in_target mariadb-install-db --no-defaults --user=mysql --datadir="$m/data" --skip-test-db \
    --auth-root-authentication-method=socket >"$DIR/log/mariadb-install.log" 2>&1 ||
    fail_with_log mariadb "$DIR/log/mariadb-install.log" "mariadb-install-db failed"
  # A user that may connect from anywhere, so the server greets remote peers with its version
  # (without one it answers "Host ... is not allowed to connect"). max_connect_errors: a
  # scanner's half-finished handshakes must not get the lab blocked.
  echo "CREATE USER IF NOT EXISTS 'lab'@'%' IDENTIFIED BY 'lab-not-a-secret';" >"$m/init.sql"
  chown mysql:mysql "$m/init.sql"
  launch mariadb /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$m/data" \
    --socket="$m/mysqld.sock" --pid-file="$m/mysqld.pid" --bind-address="$HOST" --port=3306 \
    --skip-name-resolve --max-connect-errors=1000000000 --max-connections=1000 \
    --innodb-buffer-pool-size=16M --log-error="$DIR/log/mariadb.err" --init-file="$m/init.sql"
}

start_postgres() {
  local p="$DIR/postgres"
  [ -n "$PG_BIN" ] || fail "no PostgreSQL server binary under /usr/lib/postgresql"
  mkdir -p "$p/sock"
  chown -R postgres:postgres "$p"
  in_target setpriv --reuid postgres --regid postgres --init-groups -- \
    "$(dirname "$PG_BIN")/initdb" -D "$p/data" -A trust -U postgres --no-sync \
    >"$DIR/log/postgres-initdb.log" 2>&1 ||
    fail_with_log postgres "$DIR/log/postgres-initdb.log" "initdb failed"
  launch postgres --as postgres "$PG_BIN" -D "$p/data" -c "listen_addresses=$HOST,$HOST6" \
    -c port=5432 -c "unix_socket_directories=$p/sock" -c max_connections=300 \
    -c shared_buffers=16MB -c fsync=off
}

start_redis() {
  local name=$1 port=$2
  mkdir -p "$DIR/$name"
  chown redis:redis "$DIR/$name"
  launch "$name" --as redis /usr/bin/redis-server --bind "$HOST $HOST6" --port "$port" \
    --dir "$DIR/$name" --daemonize no --save '' --appendonly no --protected-mode no \
    --maxclients 8000
}

start_memcached() {
  launch memcached /usr/bin/memcached -u memcache -l "$HOST" -p 11211 -U 0 -c 8192
}

start_mosquitto() {
  mkdir -p "$DIR/mosquitto"
  cat >"$DIR/mosquitto/mosquitto.conf" <<EOF
user mosquitto
listener 1883 $HOST
allow_anonymous true
persistence false
log_dest stderr
EOF
  launch mosquitto /usr/sbin/mosquitto -c "$DIR/mosquitto/mosquitto.conf"
}

start_hostile() {
  launch hostile --as nobody /usr/bin/python3 "$LAB_DIR/hostile_services.py" \
    --address "$HOST" --base-port 9001 --cert "$DIR/tls/expired-cert.pem" \
    --key "$DIR/tls/expired-key.pem"
}

fail_with_log() {
  local daemon=$1 file=$2
  shift 2
  log "$daemon: $* (last lines of $file):"
  tail -n 20 "$file" >&2 || true
  exit 1
}

# Waits (bounded) until every port of SERVICES listens on HOST in the target namespace;
# names the daemon that did not come up, with its log tail.
wait_listening() {
  local deadline=$((SECONDS + ${DAEMONS_WAIT:-60})) listening missing daemon port
  while :; do
    listening=$(in_target ss -Htln | awk '{ print $4 }')
    missing=""
    while read -r daemon port _; do
      grep -qx "$HOST:$port" <<<"$listening" || missing+="$daemon:$port "
      if [[ " $V6_PORTS " == *" $port "* ]] && ! grep -qxF "[$HOST6]:$port" <<<"$listening"; then
        missing+="$daemon:[$HOST6]:$port "
      fi
    done <<<"$SERVICES"
    [ -z "$missing" ] && return 0
    for daemon in $(tr ' ' '\n' <<<"$missing" | cut -d: -f1 | sort -u); do
      if ! kill -0 "$(cat "$DIR/pids/$daemon.pid")" 2>/dev/null; then
        fail_with_log "$daemon" "$DIR/log/$daemon.log" "exited before listening"
      fi
    done
    if [ "$SECONDS" -ge "$deadline" ]; then
      daemon=${missing%%:*}
      fail_with_log "$daemon" "$DIR/log/$daemon.log" "not listening after ${DAEMONS_WAIT:-60} s: $missing"
    fi
    sleep 0.2
  done
}

# Every address of CIDR answers like HOST: DNAT in the target namespace's prerouting.
add_fan() {
  local cidr=$1
  [[ $cidr =~ ^198\.19\.[0-9]+\.[0-9]+/(2[4-9]|3[0-2])$ ]] ||
    fail "--fan wants a block of at most 256 addresses inside 198.19.0.0/16, got '$cidr'"
  # Never over the daemons' own host or the hosts of truth.tsv (their ports would be hijacked).
  local served
  mapfile -t served < <(awk -F'\t' '!/^#/ && NF >= 4 && $1 !~ /:/ { print $1 }' \
    "$LAB_DIR/truth.tsv" | sort -u)
  python3 - "$cidr" "$HOST" "${served[@]}" <<'PY' ||
import ipaddress, sys
block = ipaddress.ip_network(sys.argv[1], strict=False)
sys.exit(any(ipaddress.ip_address(a) in block for a in sys.argv[2:]))
PY
    fail "--fan $cidr covers a lab host that serves something"
  in_target nft -f - <<EOF
table ip daemons_fan {
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    ip daddr $cidr tcp dport { $(ports) } dnat to $HOST
  }
}
EOF
  echo "$cidr" >"$DIR/fan"
}

start_exit() {
  local status=$?
  [ "$status" -eq 0 ] || kill_ours
  exit "$status"
}

cmd_start() {
  NAME=${1:-}
  DIR=${2:-}
  if [ -z "$NAME" ] || [ -z "$DIR" ]; then fail "usage: daemons.sh start NAME DIR [--fan CIDR]"; fi
  shift 2
  [ "$(id -u)" -eq 0 ] || fail "needs root"
  [[ $HOST =~ ^198\.19\.[0-9]{1,3}\.[0-9]{1,3}$ ]] ||
    fail "DAEMONS_HOST must be an IPv4 address of the lab block 198.19.0.0/16, got '$HOST'"
  lab_ns "$NAME"
  if [ ! -d "$DIR" ] || [ -n "$(ls -A "$DIR")" ]; then
    fail "DIR $DIR must be an existing empty folder"
  fi
  DIR=$(realpath "$DIR")
  touch "$DIR/$MARKER"
  echo "$NAME" >"$DIR/lab"
  echo "$HOST" >"$DIR/host"
  [[ $HOST6 =~ ^2001:2:0:1:[0-9a-f:]+$ ]] ||
    fail "DAEMONS_HOST6 must be an IPv6 address of the lab block 2001:2:0:1::/64, got '$HOST6'"
  echo "$HOST6" >"$DIR/host6"
  chmod 755 "$DIR"  # the daemons' own users must reach their subfolders
  setpriv --reuid nobody --regid nogroup --clear-groups -- test -x "$DIR" ||
    fail "$DIR is not reachable by unprivileged users (a parent folder lacks o+x)"
  mkdir -p "$DIR/pids" "$DIR/log" "$DIR/tls"
  # A start that fails half-way stops what it started (DIR and its logs stay for the caller).
  trap start_exit EXIT
  # Assigned, not only AnyIP-routed: IPv6 bind() accepts only assigned addresses.
  in_target ip -6 addr replace "$HOST6/128" dev lo nodad
  make_certificates
  start_sshd
  start_nginx
  start_vsftpd
  start_exim
  start_dovecot
  start_mariadb
  start_postgres
  start_redis redis 6379
  start_redis redis2 7777
  start_memcached
  start_mosquitto
  start_hostile
  wait_listening
  if [ "${1:-}" = --fan ]; then add_fan "${2:-}"; fi
  log "$(wc -l <<<"$SERVICES") services up on $HOST in $TARGET_NS (DIR $DIR)"
}

# Pids of this lab's target namespace that are ours: listed in DIR/pids or carrying
# PORTLENS_DAEMONS_DIR=DIR in their environment (the daemons' forked workers).
our_pids() {
  local pid
  for pid in $(ip netns pids "$TARGET_NS" 2>/dev/null); do
    if grep -qxF "$pid" "$DIR"/pids/*.pid 2>/dev/null ||
      { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF "PORTLENS_DAEMONS_DIR=$DIR"; then
      echo "$pid"
    fi
  done
}

# TERM to every process of ours, KILL to what is left after 5 s.
kill_ours() {
  local pids tries
  pids=$(our_pids)
  # shellcheck disable=SC2086 # one word per pid
  [ -z "$pids" ] || kill -TERM $pids 2>/dev/null || true
  for tries in $(seq 50); do
    pids=$(our_pids)
    [ -z "$pids" ] && break
    [ "$tries" = 50 ] || sleep 0.1
  done
  # shellcheck disable=SC2086
  [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
}

cmd_stop() {
  NAME=${1:-}
  DIR=${2:-}
  if [ -z "$NAME" ] || [ -z "$DIR" ]; then fail "usage: daemons.sh stop NAME DIR"; fi
  [ -d "$DIR" ] || return 0
  [ -e "$DIR/$MARKER" ] || fail "$DIR was not made by daemons.sh start; left alone"
  DIR=$(realpath "$DIR")
  TARGET_NS=$("$LAB_SH" ns "$NAME" | awk '{ print $2 }')
  if [ -e "/run/netns/$TARGET_NS" ]; then
    kill_ours
    in_target nft delete table ip daemons_fan 2>/dev/null || true
    [ ! -s "$DIR/host6" ] || in_target ip -6 addr del "$(cat "$DIR/host6")/128" dev lo 2>/dev/null || true
  fi
  rm -rf "$DIR"
  log "daemons of lab $NAME stopped"
}

# upstream VERSION: the upstream part of a Debian version (no epoch, no revision, no
# repack suffix): 1:9.2p1-2+deb12u3 -> 9.2p1, 1:2.3.19.1+dfsg1-2.1 -> 2.3.19.1
upstream() { sed -E 's/^[0-9]+://; s/-[^-]*$//; s/[+~](dfsg|ds|repack)[0-9]*$//' <<<"$1"; }

ports() { awk '{ print $2 }' <<<"$SERVICES" | paste -sd, | sed 's/,/, /g'; }

cmd_truth() {
  DIR=${1:-}
  [ -s "$DIR/host" ] || fail "usage: daemons.sh truth DIR (a DIR given to start)"
  local hosts host
  hosts=$(cat "$DIR/host")
  local host6=""
  [ ! -s "$DIR/host6" ] || host6=$(cat "$DIR/host6")
  if [ -s "$DIR/fan" ]; then
    hosts+=" $(python3 -c 'import ipaddress, sys; print(" ".join(map(str, ipaddress.ip_network(sys.argv[1]))))' "$(cat "$DIR/fan")")"
  fi
  printf '# ip\tport\tservice\tproduct\tpackage\tdebian_version\tupstream_version\n'
  local daemon port service product binary package version
  local -A package_of version_of
  while read -r daemon port service product binary; do
    package="-" version="-"
    if [ "$binary" != - ]; then
      if [ -z "${package_of[$binary]:-}" ]; then
        package_of[$binary]=$(dpkg -S "$binary" | head -n 1 | cut -d: -f1)
        version_of[$binary]=$(dpkg-query -W -f='${Version}' "${package_of[$binary]}")
      fi
      package=${package_of[$binary]}
      version=${version_of[$binary]}
    fi
    local plain=-
    [ "$version" = - ] || plain=$(upstream "$version")
    local port_hosts=$hosts
    if [ -n "$host6" ] && [[ " $V6_PORTS " == *" $port "* ]]; then port_hosts+=" $host6"; fi
    for host in $port_hosts; do
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$host" "$port" "$service" "$product" "$package" \
        "$version" "$plain"
    done
  done <<<"$SERVICES"
}

main() {
  local command=${1:-}
  shift || true
  case $command in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    truth) cmd_truth "$@" ;;
    ports) ports | tr -d ' ' ;;
    *)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

main "$@"
