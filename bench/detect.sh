#!/usr/bin/env bash
# Service and version detection: `portlens scan -sV` vs `nmap -sV -n -Pn`, on real Debian
# daemons in one lab (tests/lab/daemons.sh), named port by port against their truth (versions
# from dpkg, tests/lab/service_check.py).
#   bench/detect.sh PATH_TO_PORTLENS
# a. the real daemons of one host (198.19.0.20, ~19 services): wall, peak RSS, named right
# b. 256 hosts with the same daemons (198.19.1.0/24 answers through DNAT in the target
#    namespace: ~4,900 services): the same measures, fewer runs
# When `portlens scan --help` has no -sV yet, only nmap runs and Portlens is reported skipped.
# The hostile fakes are not scanned here (nmap spends minutes on the trickling one; the
# integration test covers them). Part of `make bench` (bench/run.sh); nmap alone takes about
# 33 min on part fan (1936.6 s and 2000.7 s here, 2 CPUs): BENCH_DETECT_PARTS=single skips it.
# Environment: BENCH_RUNS (default 5; part a uses at most 3, part b BENCH_DETECT_FAN_RUNS,
# default 1), BENCH_DETECT_PARTS (default "single fan").
set -euo pipefail
BENCH_PART=detect
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DAEMONS_SH="$REPO_DIR/tests/lab/daemons.sh"
SERVICE_CHECK="$REPO_DIR/tests/lab/service_check.py"
HOST=198.19.0.20
FAN=198.19.1.0/24
PARTS=${BENCH_DETECT_PARTS:-single fan}

bench_setup "bench/detect.sh PATH_TO_PORTLENS" "$@" -- nmap openssl setpriv nsenter
RESULTS="$WORK_DIR/results.tsv"
: >"$RESULTS"
SINGLE_RUNS=$((RUNS < 3 ? RUNS : 3))
FAN_RUNS=${BENCH_DETECT_FAN_RUNS:-1}

# The daemons live in the lab's target namespace; stop them before bench_cleanup takes the
# lab down (it would end them too, by pid, since they run inside it).
DAEMON_DIR="$WORK_DIR/daemons"
mkdir "$DAEMON_DIR"
chmod 711 "$WORK_DIR"
detect_cleanup() {
  local status=$?
  "$DAEMONS_SH" stop "$LAB_NAME" "$DAEMON_DIR" >/dev/null 2>&1 || true
  set +e
  (exit "$status")
  bench_cleanup
}
trap detect_cleanup EXIT
"$DAEMONS_SH" start "$LAB_NAME" "$DAEMON_DIR" --fan "$FAN" || die "the daemons did not start"
"$DAEMONS_SH" truth "$DAEMON_DIR" >"$WORK_DIR/services.tsv"
PORTS=$(awk -F'\t' '!/^#/ && $5 != "-" && $1 == "'$HOST'" { print $2 }' "$WORK_DIR/services.tsv" |
  paste -sd,)
SERVICES=$(tr ',' '\n' <<<"$PORTS" | wc -l)

if "$PORTLENS" scan --help 2>&1 | grep -qE -- '(^|[ ,])-sV'; then
  HAVE_SV=1
else
  HAVE_SV=0
  echo "detect: portlens scan has no -sV yet: Portlens skipped, nmap measured alone" >&2
fi

# record PART TOOL WALL RSS NAMED_PERCENT VERSIONS_EXACT
record() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"
  printf '  %-6s %-16s %7.2f s %7.1f MiB  named %s%%  versions %s\n' "$1" "$2" "$3" \
    "$(awk -v k="$4" 'BEGIN { print k / 1024 }')" "$5" "$6" >&2
}

# accuracy KIND FILE HOSTS: "named_percent<TAB>exact/total" from service_check.py; the
# port-by-port table goes to $WORK_DIR/table-KIND.txt (the last run's is kept).
accuracy() {
  local kind=$1 file=$2 hosts=$3 json
  json=$({ python3 "$SERVICE_CHECK" --truth "$WORK_DIR/services.tsv" "--$kind" "$file" \
    --host "$hosts" --ports "$PORTS" --json >"$WORK_DIR/check.out" 2>&1 || true; } &&
    tail -n 1 "$WORK_DIR/check.out")
  python3 -c 'import json, sys
c = json.loads(sys.argv[1])
print("%s\t%s/%s" % (c["accuracy"], c["versions_exact"], c["versions"]))' "$json" 2>/dev/null ||
    printf -- '-\t-\n'
}

# run_part PART TARGET RUNS LIMIT
run_part() {
  local part=$1 target=$2 runs=$3 limit=$4 named versions
  echo "detect: part $part: $target, ports $PORTS, $runs run(s)" >&2
  for _ in $(seq "$runs"); do
    if [ "$HAVE_SV" = 1 ]; then
      rm -f "$WORK_DIR/portlens.ndjson"
      timed "$limit" "$PORTLENS" scan -sV -p "$PORTS" --format ndjson --quiet \
        -o "$WORK_DIR/portlens.ndjson" "$target"
      read -r named versions < <(accuracy ndjson "$WORK_DIR/portlens.ndjson" "$target")
      cp "$WORK_DIR/check.out" "$WORK_DIR/table-$part-portlens.txt"
      record "$part" "portlens -sV" "$WALL" "$RSS" "$named" "$versions"
    fi
    timed "$limit" nmap -sV -n -Pn --version-intensity 7 -p "$PORTS" -oX "$WORK_DIR/nmap.xml" "$target"
    read -r named versions < <(accuracy xml "$WORK_DIR/nmap.xml" "$target")
    cp "$WORK_DIR/check.out" "$WORK_DIR/table-$part-nmap.txt"
    record "$part" "nmap -sV" "$WALL" "$RSS" "$named" "$versions"
  done
}

started=$(date +%s)
for part in $PARTS; do
  case $part in
    single) run_part single "$HOST" "$SINGLE_RUNS" 300 ;;
    fan) run_part fan "$FAN" "$FAN_RUNS" 3600 ;;
    *) die "unknown part $part (single, fan)" ;;
  esac
done
elapsed=$(($(date +%s) - started))

{
  echo "# Service detection: portlens -sV vs nmap -sV"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)," \
    "kernel $(uname -r), portlens $("$PORTLENS" --version | head -n 1)," \
    "$(nmap --version | head -n 1 | sed 's/ ( .*//'); bench took ${elapsed}s." \
    "Real Debian daemons in the lab ($SERVICES services per host, versions from dpkg);" \
    "single = $HOST, fan = every address of $FAN (DNAT to the same daemons)."
  [ "$HAVE_SV" = 1 ] || { echo; echo "Portlens skipped: \`portlens scan --help\` has no -sV yet."; }
  echo
  python3 - "$RESULTS" "$SERVICES" <<'PY'
import statistics, sys
from collections import OrderedDict
rows = OrderedDict()
for line in open(sys.argv[1]):
    part, tool, wall, rss, named, versions = line.rstrip("\n").split("\t")
    e = rows.setdefault((part, tool), {"wall": [], "rss": [], "named": [], "versions": versions})
    e["wall"].append(float(wall)); e["rss"].append(int(rss))
    if named != "-": e["named"].append(float(named))
services = int(sys.argv[2])
print("| part | services | tool | wall s (median) | min / max s | peak RSS MiB | named right % (worst run) | versions exact | wall vs nmap |")
print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
for (part, tool), e in rows.items():
    nmap = rows.get((part, "nmap -sV"))
    med = statistics.median(e["wall"])
    ratio = med / statistics.median(nmap["wall"]) if nmap else float("nan")
    count = services * (256 if part == "fan" else 1)
    named = f"{min(e['named']):.1f}" if e["named"] else "-"
    print(f"| {part} | {count} | {tool} | {med:.2f} | {min(e['wall']):.2f} / {max(e['wall']):.2f} "
          f"| {max(e['rss'])/1024:.1f} | {named} | {e['versions']} | {ratio:.3f} |")
PY
  for table in "$WORK_DIR"/table-single-*.txt; do
    [ -f "$table" ] || continue
    echo
    echo "Port by port, $(basename "$table" .txt | sed 's/^table-single-//') (last run):"
    echo
    echo '```'
    grep -v '^{' "$table"  # the table and its summary line, not the JSON for the bench
    echo '```'
  done
  # The fan, port by port: how many of its hosts each tool named right on each port.
  fan_tables=$(find "$WORK_DIR" -maxdepth 1 -name 'table-fan-*.txt' | sort)
  if [ -n "$fan_tables" ]; then
    echo
    echo "Fan, port by port (hosts named right of 256, last run):"
    echo
    # shellcheck disable=SC2086  # one path per table, none with spaces (mktemp)
    python3 - $fan_tables <<'PY'
import collections, os, sys
tools, counts, truth = [], collections.defaultdict(collections.Counter), {}
for path in sys.argv[1:]:
    tool = os.path.basename(path)[len("table-fan-"):-len(".txt")]
    tools.append(tool)
    for line in open(path):
        fields = line.split()
        if len(fields) < 4 or not fields[1].isdigit():
            continue
        port = int(fields[1])
        truth.setdefault(port, " ".join(fields[2:4]))
        counts[tool][port] += line.rstrip().endswith(" ok")
print("| port | truth | " + " | ".join(tools) + " |")
print("|---:|---|" + "---:|" * len(tools))
for port in sorted(truth):
    print(f"| {port} | {truth[port]} | " + " | ".join(str(counts[t][port]) for t in tools) + " |")
PY
  fi
} >"$WORK_DIR/table.md"
mkdir -p "$BENCH_DIR/results"
cp "$WORK_DIR/table.md" "$BENCH_DIR/results/detect.md"
echo
cat "$WORK_DIR/table.md"
echo "detect: table written to bench/results/detect.md" >&2
