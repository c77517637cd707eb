#!/usr/bin/env bash
# Privilege separation of `portlens serve` (docs/deploy.md, "Privilege model"), started as
# root in the lab's scanner namespace:
#  1. while a SYN scan of 20,000 ports runs, the web process (every thread) runs as nobody with every
#     capability set empty (permitted, effective, inheritable, ambient, bounding) and
#     no_new_privs; its one child, the SYN runner, runs as nobody with CAP_NET_RAW permitted
#     and bounded and nothing else (effective only while a scan opens its sockets);
#  2. the SYN scan's results equal the lab's truth, and a connect scan after the drop too;
#  3. SIGTERM stops both processes.
#   serve_privsep.sh PATH_TO_PORTLENS
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/web_lib.sh
source "$(dirname "$0")/web_lib.sh"

require_portlens "${1:-}"
require_lab_tools curl ps
lab_up psep  # lab names are at most 12 characters with the pid suffix
web_config  # user = "nobody"
LAB=$(token_create lab)
[ -n "$LAB" ] || die "token create failed"
serve_start
nobody_uid=$(id -u nobody)

# cap_line PID_OR_TASK_DIR NAME: the hex mask of one Cap* line.
cap_line() { awk -v name="$2:" '$1 == name { print $2 }' "$1/status"; }

grep -q "privileges dropped: web process root -> user nobody" "$WORK_DIR/serve.err" ||
  die "no log line for the drop: $(cat "$WORK_DIR/serve.err")"

# --- 1. credentials while a SYN scan runs --------------------------------------------------
# 20,000 ports of one host at 3,000 probes/s: about 7 s of scanning to look at.
syn_ports="1-19999,65535"
api POST /api/v1/scans "{\"targets\":\"198.19.0.7\",\"ports\":\"$syn_ports\",\"mode\":\"syn\",\"rate\":3000}" "$LAB" >/dev/null
[ "$HTTP_STATUS" = 202 ] || die "POST SYN scan: $HTTP_STATUS $(cat "$WORK_DIR/body")"
syn_id=$(json_field '["id"]' <"$WORK_DIR/body")
for _ in $(seq 1 50); do
  status=$(api GET "/api/v1/scans/$syn_id" "" "$LAB" | json_field '["status"]')
  [ "$status" = running ] && break
  sleep 0.1
done
[ "$status" = running ] || die "the SYN scan is $status, not running"
sleep 1  # past prepareScan: the raw sockets are open, probes are going out

for task in /proc/"$SERVE_PID"/task/*; do
  read -r _ ruid euid suid fsuid < <(grep '^Uid:' "$task/status")
  for id in "$ruid" "$euid" "$suid" "$fsuid"; do
    [ "$id" = "$nobody_uid" ] || die "web thread ${task##*/}: Uid line $ruid $euid $suid $fsuid"
  done
  grep -q '^Gid:[[:space:]]*0[[:space:]]' "$task/status" && die "web thread ${task##*/}: gid 0"
  for set in CapPrm CapEff CapInh CapAmb CapBnd; do
    [ "$(cap_line "$task" "$set")" = 0000000000000000 ] ||
      die "web thread ${task##*/}: $set $(cap_line "$task" "$set")"
  done
  grep -q '^NoNewPrivs:[[:space:]]*1$' "$task/status" || die "web thread ${task##*/}: no no_new_privs"
done
say "web process $SERVE_PID ($(find /proc/"$SERVE_PID"/task -mindepth 1 -maxdepth 1 | wc -l) threads): uid $nobody_uid, no capability in any set"

mapfile -t children < <(ps --ppid "$SERVE_PID" -o pid= | tr -d ' ')
[ "${#children[@]}" = 1 ] || die "serve has ${#children[@]} children, want 1 (the SYN runner)"
runner=${children[0]}
grep -q 'syn-runner' "/proc/$runner/cmdline" || die "child $runner is not the SYN runner"
[ "$(awk '/^Uid:/ { print $3 }' "/proc/$runner/status")" = "$nobody_uid" ] ||
  die "SYN runner: $(grep '^Uid:' "/proc/$runner/status")"
for task in /proc/"$runner"/task/*; do
  [ "$(cap_line "$task" CapPrm)" = 0000000000002000 ] ||
    die "runner thread ${task##*/}: CapPrm $(cap_line "$task" CapPrm), want CAP_NET_RAW only"
  [ "$(cap_line "$task" CapBnd)" = 0000000000002000 ] ||
    die "runner thread ${task##*/}: CapBnd $(cap_line "$task" CapBnd)"
  # Effective: CAP_NET_RAW at most (a job thread raises it while it opens its sockets).
  case $(cap_line "$task" CapEff) in
    0000000000000000 | 0000000000002000) ;;
    *) die "runner thread ${task##*/}: CapEff $(cap_line "$task" CapEff)" ;;
  esac
  for set in CapInh CapAmb; do
    [ "$(cap_line "$task" "$set")" = 0000000000000000 ] || die "runner thread ${task##*/}: $set"
  done
  grep -q '^NoNewPrivs:[[:space:]]*1$' "$task/status" || die "runner thread ${task##*/}: no no_new_privs"
done
[ "$(cap_line "/proc/$runner" CapEff)" = 0000000000000000 ] ||
  die "the runner's main thread keeps CAP_NET_RAW effective"
say "SYN runner $runner: uid $nobody_uid, CapPrm = CapBnd = CAP_NET_RAW (0000000000002000), nothing else"

# --- 2. results ----------------------------------------------------------------------------
[ "$(wait_final "$syn_id" "$LAB" 60)" = "done" ] || die "the SYN scan did not finish"
api GET "/api/v1/scans/$syn_id/results?format=ndjson&states=all" "" "$LAB" >"$WORK_DIR/syn.ndjson"
check_truth --ndjson "$WORK_DIR/syn.ndjson" --host 198.19.0.7 --ports "$syn_ports" --expect-summary ||
  die "the SYN scan through the runner differs from the truth"
api GET "/api/v1/scans/$syn_id" "" "$LAB" >/dev/null
expect_mode=$(json_field '["mode"]' <"$WORK_DIR/body")
[ "$expect_mode" = syn ] || die "scan $syn_id ran as $expect_mode"

ports="1-3000,3306,8080"
api POST /api/v1/scans "{\"targets\":\"198.19.0.8\",\"ports\":\"$ports\",\"mode\":\"connect\"}" "$LAB" >/dev/null
[ "$HTTP_STATUS" = 202 ] || die "POST connect scan: $HTTP_STATUS $(cat "$WORK_DIR/body")"
connect_id=$(json_field '["id"]' <"$WORK_DIR/body")
[ "$(wait_final "$connect_id" "$LAB" 60)" = "done" ] || die "the connect scan did not finish"
api GET "/api/v1/scans/$connect_id/results?format=ndjson&states=all" "" "$LAB" >"$WORK_DIR/connect.ndjson"
check_truth --ndjson "$WORK_DIR/connect.ndjson" --host 198.19.0.8 --ports "$ports" --expect-summary ||
  die "the connect scan after the drop differs from the truth"
say "SYN scan (runner) and connect scan (web process) both equal the truth"

# --- 3. stop -------------------------------------------------------------------------------
serve_stop TERM || die "serve exited $? on SIGTERM"
for _ in $(seq 1 20); do kill -0 "$runner" 2>/dev/null || break; sleep 0.1; done
kill -0 "$runner" 2>/dev/null && die "the SYN runner outlived serve"
say "PASS: the web process holds nothing; the SYN runner holds CAP_NET_RAW only"
