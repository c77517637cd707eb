#!/usr/bin/python3
"""Writes finding events into a running server's database (as a monitor's run does: one
transaction per run) and reads the webhook receiver's log (tests/integration/alert_receivers.py)
for when each arrived. Prints one JSON object: per scenario, count, p50, p99 and max latency in
milliseconds from the event's commit to its receipt.

  alerts_latency.py DB WEBHOOK_LOG MONITOR_JSON SINGLES BURSTS BURST_SIZE
"""
import json
import random
import sqlite3
import sys
import time

db_path, log_path, monitor_json = sys.argv[1], sys.argv[2], sys.argv[3]
singles, bursts, burst_size = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
db = sqlite3.connect(db_path, timeout=10, isolation_level=None)
written = {}  # event id -> commit time (ns)
scenario_of = {}


def run(events, scenario):
    db.execute("BEGIN IMMEDIATE")
    ids = []
    for port in events:
        finding = {"kind": "port_opened", "ip": "198.19.0.7", "port": port, "state": "open"}
        cur = db.execute(
            "INSERT INTO finding_events(monitor_id, finding_id, event, scan_id, at_ms, "
            "finding_json, monitor_json) VALUES (1, ?, 'finding_opened', 1, ?, ?, ?)",
            (port, int(time.time() * 1000), json.dumps(finding), monitor_json))
        ids.append(cur.lastrowid)
    db.execute("COMMIT")
    now = time.time_ns()
    for event_id in ids:
        written[event_id] = now
        scenario_of[event_id] = scenario


def received():
    out = {}
    try:
        for line in open(log_path):
            record = json.loads(line)
            event_id = record["body"]["event_id"]
            out.setdefault(event_id, record["received_ns"])
    except FileNotFoundError:
        pass
    return out


rng = random.Random(7)
for i in range(singles):
    run([10000 + i], "one finding per run")
    time.sleep(rng.uniform(0.05, 0.15))  # runs land at any phase of the dispatcher's poll
for b in range(bursts):
    run([20000 + b * burst_size + k for k in range(burst_size)],
        f"{burst_size} findings per run")
    time.sleep(rng.uniform(0.3, 0.6))
deadline = time.time() + 60
got = received()
while len(set(written) - set(got)) > 0 and time.time() < deadline:
    time.sleep(0.2)
    got = received()

result = {}
for scenario in dict.fromkeys(scenario_of.values()):
    ids = [i for i, s in scenario_of.items() if s == scenario]
    lat = sorted((got[i] - written[i]) / 1e6 for i in ids if i in got)
    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")
    result[scenario] = {"events": len(ids), "delivered": len(lat), "p50_ms": round(pick(0.5), 1),
                        "p99_ms": round(pick(0.99), 1), "max_ms": round(lat[-1] if lat else 0, 1)}
print(json.dumps(result))
