// Pure helpers of the monitors view (no DOM): a monitor's schedule as text, and the per-host
// timeline of ports opened and closed, rebuilt from the monitor's findings of the diff kinds
// (GET /api/v1/findings?state=all): a port_opened finding is a port that opened at opened_at
// and closed again at resolved_at; a port_closed finding the other way round.

export function scheduleText(monitor) {
  if (monitor.every) return 'every ' + monitor.every;
  if (monitor.cron) return 'cron ' + monitor.cron;
  return '';
}

// findings -> [{ ip, changes: [{ at, port, change: 'opened'|'closed', findingId }] }], hosts by
// address text, each host's changes oldest first (ties by port).
export function hostTimelines(findings) {
  const byHost = new Map();
  const add = (f, at, change) => {
    if (at === null || at === undefined) return;
    const ip = f.finding.ip;
    if (!byHost.has(ip)) byHost.set(ip, []);
    byHost.get(ip).push({ at, port: f.finding.port, change, findingId: f.id });
  };
  for (const f of findings) {
    if (!f.finding || typeof f.finding.ip !== 'string') continue;
    if (f.kind === 'port_opened') {
      add(f, f.opened_at, 'opened');
      add(f, f.resolved_at, 'closed');
    } else if (f.kind === 'port_closed') {
      add(f, f.opened_at, 'closed');
      add(f, f.resolved_at, 'opened');
    }
  }
  return [...byHost.keys()].sort().map((ip) => ({
    ip,
    changes: byHost.get(ip).sort((a, b) => a.at - b.at || a.port - b.port),
  }));
}
