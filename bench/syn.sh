#!/usr/bin/env bash
# Part of `make bench` (bench/run.sh): the raw SYN scanner against its peers, in one lab.
#   bench/syn.sh PATH_TO_PORTLENS
# 1. Full 65535-port SYN scan of 198.19.0.7: portlens --syn vs `nmap -sS -T4 -p- -n -Pn`,
#    clean and with 2% of SYNs dropped; wall, peak RSS, accuracy against the truth.
# 2. Port 80 on every host of 198.19.0.0/16 (65,536 AnyIP hosts; 2 open, the rest answer
#    RST): portlens vs zmap (-r 0 = as fast as it can, cooldown 1 s) and masscan (--rate 1M,
#    --wait 1), clean and at 2% loss; wall, probes/s of the sending phase as each tool
#    reports it, hosts that answered (found) / 65,536, peak RSS.
# 3. Memory as the target space grows: one port over 2001:2:0:1::/112 (65,536 hosts) and
#    /108 (1,048,576 hosts, the size of an IPv4 /12; the IPv4 lab block is only a /15).
# Environment: BENCH_RUNS (default 5; parts 2-3 use at most 3), BENCH_SCENARIOS.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCENARIOS=${BENCH_SCENARIOS:-clean loss2}
HOST=198.19.0.7
SWEEP=198.19.0.0/16
SWEEP_HOSTS=65536

bench_setup "bench/syn.sh PATH_TO_PORTLENS" "$@" -- nmap zmap masscan
RESULTS="$WORK_DIR/results.tsv"
: >"$RESULTS"
SWEEP_RUNS=$((RUNS < 3 ? RUNS : 3))
# One small scan warms the lab and makes the kernel resolve the router, whose MAC zmap and
# masscan need to be told.
ip netns exec "$SCAN_NS" "$PORTLENS" scan --syn -q -p 1 "$HOST" 2001:2:0:1::7 >/dev/null
router_mac=$(ip netns exec "$SCAN_NS" ip neigh show 198.18.0.2 | awk '{ print $5 }')
[ -n "$router_mac" ] || die "cannot learn the lab router's MAC for zmap and masscan"

# record PART TOOL SCENARIO WALL RSS ACCURACY_OR_FOUND RATE
record() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"
  printf '  %-5s %-16s %-6s %6.2f s %7.1f MiB  %s  %s/s\n' "$1" "$2" "$3" "$4" \
    "$(awk -v k="$5" 'BEGIN { print k / 1024 }')" "$6" "$7" >&2
}

# Hosts that answered (open or closed) in each tool's output.
found_portlens() { grep -c '"type":"host"' "$1" | tr -d ' ' ; }
found_zmap() { # zmap's CSV lists only SYN-ACKs; its metadata counts the RSTs too
  python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["success_unique"] + m["failure_total"])' "$1"
}
found_masscan() { grep -E '^(open|closed) tcp' "$1" | awk '{ print $4 }' | sort -u | wc -l; }
portlens_rate() { sed -n 's/.*first round \([0-9]*\) probes\/s.*/\1/p' "$WORK_DIR/stderr" | tail -n 1; }
zmap_rate() { # "send: 65536 done (184 Kp/s avg)"
  tr '\r' '\n' <"$WORK_DIR/stderr" | sed -n 's/.*send: [0-9]* done (\([0-9.]*\) \([KM]*\)p\/s avg).*/\1 \2/p' |
    tail -n 1 | awk '{ m = $2 == "K" ? 1e3 : $2 == "M" ? 1e6 : 1; printf "%d", $1 * m }'
}
masscan_rate() { # the highest "rate:120.15-kpps" of its status lines
  tr '\r' '\n' <"$WORK_DIR/stderr" | sed -n 's/^ *rate: *\([0-9.]*\)-kpps.*/\1/p' |
    sort -g | tail -n 1 | awk '{ printf "%d", $1 * 1000 }'
}

started=$(date +%s)
for scenario in $SCENARIOS; do
  set_loss "$scenario"
  echo "bench: scenario $scenario" >&2
  for _ in $(seq "$RUNS"); do
    rm -f "$WORK_DIR/scan.ndjson"
    timed 120 "$PORTLENS" scan --syn -p- --format ndjson --quiet -v -o "$WORK_DIR/scan.ndjson" "$HOST"
    record full "portlens --syn" "$scenario" "$WALL" "$RSS" \
      "$(truth_accuracy --ndjson "$WORK_DIR/scan.ndjson" --unlisted closed --host "$HOST")" "$(portlens_rate)"
    timed 300 nmap -sS -T4 -p- -n -Pn -oX "$WORK_DIR/nmap.xml" "$HOST"
    record full "nmap -sS" "$scenario" "$WALL" "$RSS" \
      "$(truth_accuracy --xml "$WORK_DIR/nmap.xml" --host "$HOST")" "-"
  done
  for _ in $(seq "$SWEEP_RUNS"); do
    rm -f "$WORK_DIR/sweep.ndjson"
    timed 120 "$PORTLENS" scan --syn -p 80 --format ndjson --states all --quiet -v \
      -o "$WORK_DIR/sweep.ndjson" "$SWEEP"
    record sweep "portlens --syn" "$scenario" "$WALL" "$RSS" \
      "$(found_portlens "$WORK_DIR/sweep.ndjson")" "$(portlens_rate)"
    timed 60 zmap -p 80 -i veth0 -G "$router_mac" -S 198.18.0.1 -r 0 -c 1 -b /dev/null \
      -o /dev/null -m "$WORK_DIR/zmap.json" "$SWEEP"
    record sweep zmap "$scenario" "$WALL" "$RSS" "$(found_zmap "$WORK_DIR/zmap.json")" "$(zmap_rate)"
    rm -f "$WORK_DIR/masscan.txt"
    # masscan sometimes never exits after its wait: the timeout (inside `time`, so the run is
    # still measured) ends it with SIGINT, then SIGKILL; what it wrote is kept.
    ip netns exec "$SCAN_NS" /usr/bin/time -f '%e %M' -o "$WORK_DIR/time" timeout -s INT -k 5 20 \
      masscan "$SWEEP" -p80 --rate 1000000 --wait 1 --adapter veth0 --adapter-ip 198.18.0.1 \
      --router-mac "$router_mac" --show closed -oL "$WORK_DIR/masscan.txt" \
      >/dev/null 2>"$WORK_DIR/stderr" || echo "  masscan did not exit by itself (ended after 20 s)" >&2
    read -r WALL RSS < <(tail -n 1 "$WORK_DIR/time")
    record sweep masscan "$scenario" "$WALL" "$RSS" "$(found_masscan "$WORK_DIR/masscan.txt")" "$(masscan_rate)"
  done
done
set_loss clean
for prefix in 112 108; do
  for _ in $(seq "$SWEEP_RUNS"); do
    timed 120 "$PORTLENS" scan --syn -p 80 --format ndjson --quiet -v -o /dev/null "2001:2:0:1::/$prefix"
    record memory "portlens /$prefix" clean "$WALL" "$RSS" "-" "$(portlens_rate)"
  done
done
elapsed=$(($(date +%s) - started))

{
  echo "# Portlens SYN scan vs nmap, zmap and masscan"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r)," \
    "portlens $("$PORTLENS" --version | head -n 1), $(nmap --version | head -n 1 | sed 's/ ( .*//')," \
    "$(zmap --version 2>&1 | head -n 1), masscan $(masscan --version 2>/dev/null | sed -n 's/^Masscan version \([^ ]*\).*/\1/p')." \
    "bench took ${elapsed}s; loss2 = the target drops 2% of SYNs."
  echo
  python3 - "$RESULTS" "$SWEEP_HOSTS" <<'PY'
import statistics, sys
from collections import OrderedDict
rows = OrderedDict()
for line in open(sys.argv[1]):
    part, tool, scenario, wall, rss, quality, rate = line.rstrip("\n").split("\t")
    e = rows.setdefault((part, tool, scenario), {"wall": [], "rss": [], "q": [], "rate": []})
    e["wall"].append(float(wall)); e["rss"].append(int(rss))
    if quality not in ("-", ""): e["q"].append(float(quality))
    if rate not in ("-", ""): e["rate"].append(float(rate))
med = lambda xs: statistics.median(xs) if xs else float("nan")
sweep_hosts = int(sys.argv[2])

print("## 1. Full 65535-port SYN scan of one host (medians)")
print()
print("| tool | scenario | wall s | min / max s | peak RSS MiB | accuracy % | ratio vs nmap |")
print("|---|---|---:|---:|---:|---:|---:|")
for (part, tool, sc), e in rows.items():
    if part != "full": continue
    nmap = rows.get(("full", "nmap -sS", sc))
    ratio = med(e["wall"]) / med(nmap["wall"]) if nmap else float("nan")
    acc = f"{min(e['q']):.4f}" if e["q"] else "-"
    print(f"| {tool} | {sc} | {med(e['wall']):.2f} | {min(e['wall']):.2f} / {max(e['wall']):.2f} "
          f"| {max(e['rss'])/1024:.1f} | {acc} | {ratio:.3f} |")
print()
print(f"## 2. Port 80 over a /16 ({sweep_hosts} hosts; medians)")
print()
print("| tool | scenario | wall s | probes/s (sending) | found % (worst run) | peak RSS MiB | probes/s vs zmap |")
print("|---|---|---:|---:|---:|---:|---:|")
for (part, tool, sc), e in rows.items():
    if part != "sweep": continue
    z = rows.get(("sweep", "zmap", sc))
    ratio = med(e["rate"]) / med(z["rate"]) if z and z["rate"] else float("nan")
    found = 100 * min(e["q"]) / sweep_hosts if e["q"] else float("nan")
    print(f"| {tool} | {sc} | {med(e['wall']):.2f} | {med(e['rate']):.0f} | {found:.3f} "
          f"| {max(e['rss'])/1024:.1f} | {ratio:.2f} |")
print()
print("## 3. Memory as the target space grows (one port, IPv6 lab block)")
print()
print("Retry state = the probe-state bits (2 per probe) plus the send log (1 per probe).")
print()
print("| scan | hosts | wall s | peak RSS KiB | growth vs the first KiB | retry state KiB |")
print("|---|---:|---:|---:|---:|---:|")
first_rss = None
for (part, tool, sc), e in rows.items():
    if part != "memory": continue
    hosts = 2 ** (128 - int(tool.split("/")[1]))
    rss = max(e["rss"])
    first_rss = rss if first_rss is None else first_rss
    print(f"| {tool} | {hosts} | {med(e['wall']):.2f} | {rss} | {rss - first_rss} | {hosts * 3 // 8 // 1024} |")
PY
} >"$WORK_DIR/table.md"
mkdir -p "$BENCH_DIR/results"
cp "$WORK_DIR/table.md" "$BENCH_DIR/results/syn.md"
echo
cat "$WORK_DIR/table.md"
echo "bench: table written to bench/results/syn.md" >&2
