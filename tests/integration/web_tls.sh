#!/usr/bin/env bash
# `portlens serve` with native TLS, in a private network namespace made here (unshare -n, lo
# up; nothing leaves it), with a CA and certificates this test makes with the openssl CLI:
#  1. curl trusting only the test's CA gets the API over HTTPS; TLS 1.1 is refused;
#  2. plain HTTP on the TLS port gets a 400 that says to use https;
#  3. SIGHUP after the files were replaced serves the new certificate (its SHA-256 changes)
#     from the same process; a broken file on SIGHUP keeps the old one and logs an error;
#  4. a config with a key that does not match its certificate is refused at start (exit 2);
#  5. db backup while serve runs gives a database that answers like the original.
#   web_tls.sh PATH_TO_PORTLENS
set -euo pipefail
bin=$(realpath "${1:?usage: $0 PORTLENS_BIN}")
if [ -z "${PORTLENS_IN_NETNS:-}" ]; then
  for tool in unshare curl openssl python3; do
    if ! command -v "$tool" >/dev/null; then
      echo "SKIP: web_tls needs $tool" >&2
      exit 77
    fi
  done
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: web_tls needs root (unshare -n)" >&2
    exit 77
  fi
  PORTLENS_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi
ip link set lo up
work=$(mktemp -d /tmp/portlens-it-tls.XXXXXX)
serve_pid=
cleanup() {
  local status=$?
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; fi
  if [ "$status" -eq 0 ]; then rm -rf "$work"; else echo "outputs kept in $work" >&2; fi
  exit "$status"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
say() { echo "[$(date +%T)] $*" >&2; }
port=18443
url="https://localhost:$port"

# A CA, and two server certificates it signs (localhost, 127.0.0.1), each with its own key.
cd "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=portlens-test-ca -keyout ca.key -out ca.pem 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >san.ext
for n in 1 2; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
    -keyout "key$n.pem" -out "req$n.csr" 2>/dev/null
  openssl x509 -req -in "req$n.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile san.ext -out "cert$n.pem" 2>/dev/null
done
cp cert1.pem cert.pem
cp key1.pem key.pem
cat >portlens.toml <<TOML
listen = "127.0.0.1:$port"
db = "$work/portlens.db"
tls_cert = "$work/cert.pem"
tls_key = "$work/key.pem"
user = "nobody"
TOML
# serve reads the pair as root, then drops to nobody: a SIGHUP reload reads the files as
# nobody, so they are nobody's (docs/deploy.md, "Privilege model").
chown -R nobody: "$work"

fingerprint() {  # the SHA-256 of the certificate the server presents now
  openssl s_client -connect "127.0.0.1:$port" -servername localhost </dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256 | cut -d= -f2
}
want_fingerprint() { openssl x509 -in "$1" -noout -fingerprint -sha256 | cut -d= -f2; }

"$bin" serve --config portlens.toml >serve.out 2>serve.err &
serve_pid=$!
for _ in $(seq 1 50); do
  curl -sf --cacert ca.pem "$url/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

# --- 1. HTTPS with the test's CA ------------------------------------------------------------
[ "$(curl -sf --cacert ca.pem "$url/healthz")" = '{"status":"ok"}' ] ||
  { cat serve.err >&2; fail "HTTPS request with the test's CA failed"; }
grep -q "listening on https://127.0.0.1:$port/" serve.out || fail "serve did not print an https URL"
if curl -s --cacert ca.pem --tls-max 1.1 "$url/healthz" >/dev/null 2>&1; then
  fail "TLS 1.1 was accepted"
fi
if curl -s "$url/healthz" >/dev/null 2>&1; then fail "curl accepted the certificate without the CA"; fi
say "ok: HTTPS with the test's CA, TLS 1.1 refused"

# --- 2. plain HTTP on the TLS port ---------------------------------------------------------
status=$(curl -s -o plain.txt -w '%{http_code}' "http://127.0.0.1:$port/healthz")
[ "$status" = 400 ] || fail "plain HTTP got $status, want 400"
grep -q "use https://" plain.txt || fail "plain HTTP answer does not say to use https: $(cat plain.txt)"
say "ok: plain HTTP gets 400: $(cat plain.txt)"

# --- 3. reload on SIGHUP ------------------------------------------------------------------
before=$(fingerprint)
[ "$before" = "$(want_fingerprint cert1.pem)" ] || fail "server presents $before, not cert1"
echo "not a certificate" >cert.pem
kill -HUP "$serve_pid"
sleep 0.5
[ "$(fingerprint)" = "$before" ] || fail "a broken certificate file replaced the working one"
grep -q "event=error\|^[^ ]* error .*TLS reload failed" serve.err || fail "no error logged for the broken file"
curl -sf --cacert ca.pem "$url/healthz" >/dev/null || fail "HTTPS broken after a failed reload"
cp cert2.pem cert.pem
cp key2.pem key.pem
kill -HUP "$serve_pid"
after=""
for _ in $(seq 1 20); do
  after=$(fingerprint)
  [ "$after" != "$before" ] && break
  sleep 0.1
done
[ "$after" = "$(want_fingerprint cert2.pem)" ] || fail "after SIGHUP the server presents $after, not cert2"
kill -0 "$serve_pid" || fail "serve exited on SIGHUP"
curl -sf --cacert ca.pem "$url/healthz" >/dev/null || fail "HTTPS broken after the reload"
grep -q "TLS certificate reloaded" serve.err || fail "no reload logged"
say "ok: SIGHUP reload: $before -> $after, same process $serve_pid"

# --- 5. db backup while serve runs -----------------------------------------------------------
"$bin" token create --name t1 --db "$work/portlens.db" >/dev/null 2>&1
"$bin" db backup "$work/copy.db" --db "$work/portlens.db" 2>backup.err || fail "db backup: $(cat backup.err)"
python3 - "$work/copy.db" <<'PY' || fail "the backup is not a copy of the database"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
assert [r[0] for r in db.execute("SELECT name FROM tokens")] == ["t1"]
PY
"$bin" db vacuum --db "$work/portlens.db" 2>vacuum.err || fail "db vacuum: $(cat vacuum.err)"
code=0
"$bin" db backup "$work/x.db" --db "$work/missing.db" 2>missing.err || code=$?
[ "$code" = 2 ] || fail "db backup of a missing database exited $code, want 2"
code=0
"$bin" db backup "$work/no/such/dir/x.db" --db "$work/portlens.db" 2>unwritable.err || code=$?
[ "$code" = 3 ] || fail "db backup to an unwritable path exited $code, want 3"
say "ok: db backup and vacuum while serve runs"

kill "$serve_pid"
wait "$serve_pid" || fail "serve did not stop cleanly"
serve_pid=

# --- 4. a key that does not match -------------------------------------------------------------
cp cert1.pem cert.pem
cp key2.pem key.pem
code=0
"$bin" serve --config portlens.toml >/dev/null 2>mismatch.err || code=$?
[ "$code" = 2 ] || fail "serve with a mismatched key exited $code, want 2"
grep -qE "mismatch|does not match" mismatch.err || fail "no clear error for a mismatched key: $(cat mismatch.err)"
say "ok: mismatched key refused at start: $(cat mismatch.err)"
say "PASS: native TLS"
