// The monitors view's pure parts: schedule text and the per-host timeline from findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scheduleText, hostTimelines } from '../../web/js/timeline.js';

test('schedules read as people wrote them', () => {
  assert.equal(scheduleText({ every: '15m' }), 'every 15m');
  assert.equal(scheduleText({ cron: '*/5 * * * *' }), 'cron */5 * * * *');
});

test('a port that opened and closed again is two changes of its host, oldest first', () => {
  const findings = [
    { id: 3, kind: 'port_closed', opened_at: 50, resolved_at: null, finding: { ip: '198.19.0.8', port: 22 } },
    { id: 2, kind: 'port_opened', opened_at: 20, resolved_at: 40, finding: { ip: '198.19.0.7', port: 8080 } },
    { id: 1, kind: 'unexpected_open', opened_at: 10, resolved_at: null, finding: { ip: '198.19.0.7', port: 8080 } },
    { id: 4, kind: 'port_opened', opened_at: 20, resolved_at: null, finding: { ip: '198.19.0.7', port: 443 } },
  ];
  assert.deepEqual(hostTimelines(findings), [
    { ip: '198.19.0.7', changes: [
      { at: 20, port: 443, change: 'opened', findingId: 4 },
      { at: 20, port: 8080, change: 'opened', findingId: 2 },
      { at: 40, port: 8080, change: 'closed', findingId: 2 },
    ] },
    { ip: '198.19.0.8', changes: [{ at: 50, port: 22, change: 'closed', findingId: 3 }] },
  ]);
});

test('findings without an address are left out', () => {
  assert.deepEqual(hostTimelines([{ id: 1, kind: 'port_opened', opened_at: 1, finding: null }]), []);
});
