// The results table's logic: filter, sort, cap, aria-sort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ariaSort, compareRows, DEFAULT_SORT, matchesFilter, nextSort, visibleRows } from '../../web/js/table.js';

const row = (ip, port, state, service, extra) => Object.assign({ ip, port, state, service, reason: 'syn-ack' }, extra);
const records = [
  row('198.19.0.7', 3306, 'open', 'mysql', { rtt_ms: 0.4 }),
  row('198.19.0.7', 22, 'open', 'ssh', { rtt_ms: 1.5, hostname: 'lab.example' }),
  row('198.19.0.10', 80, 'filtered', 'http', { reason: 'no-response' }),
  row('198.19.0.9', 65535, 'open', undefined),
];
const all = { text: '', states: new Set(['open', 'filtered', 'closed']) };
const ports = (view) => view.rows.map((r) => r.port);

test('default order is by port, ascending and numeric', () => {
  assert.deepEqual(ports(visibleRows(records, all, DEFAULT_SORT)), [22, 80, 3306, 65535]);
});

test('a second click on the same column reverses it; another column starts ascending', () => {
  const down = nextSort(DEFAULT_SORT, 'port');
  assert.deepEqual(down, { key: 'port', dir: -1 });
  assert.deepEqual(ports(visibleRows(records, all, down)), [65535, 3306, 80, 22]);
  assert.deepEqual(nextSort(down, 'service'), { key: 'service', dir: 1 });
  assert.deepEqual(nextSort(nextSort(down, 'port'), 'port'), { key: 'port', dir: -1 });
});

test('host order is numeric-aware and keeps ports in order within a host', () => {
  const view = visibleRows(records, all, { key: 'ip', dir: 1 });
  assert.deepEqual(view.rows.map((r) => r.ip + ':' + r.port),
    ['198.19.0.7:22', '198.19.0.7:3306', '198.19.0.9:65535', '198.19.0.10:80']);
});

test('missing values sort as empty text; numbers as numbers', () => {
  const view = visibleRows(records, all, { key: 'service', dir: 1 });
  assert.equal(view.rows[0].port, 65535);
  assert.ok(compareRows({ rtt_ms: 2 }, { rtt_ms: 10 }, { key: 'rtt_ms', dir: 1 }) < 0);
});

test('aria-sort names the sorted column and its direction, none elsewhere', () => {
  assert.equal(ariaSort(DEFAULT_SORT, 'port'), 'ascending');
  assert.equal(ariaSort({ key: 'port', dir: -1 }, 'port'), 'descending');
  assert.equal(ariaSort(DEFAULT_SORT, 'ip'), 'none');
});

test('the filter matches host, name, port, service, reason and state, ignoring case', () => {
  const f = (text, states = all.states) => visibleRows(records, { text, states }, DEFAULT_SORT);
  assert.deepEqual(ports(f('MYSQL')), [3306]);
  assert.deepEqual(ports(f('lab.EXAMPLE')), [22]);
  assert.deepEqual(ports(f('6553')), [65535]);
  assert.deepEqual(ports(f('no-resp')), [80]);
  assert.deepEqual(ports(f('  0.10 ')), [80]);
  assert.deepEqual(ports(f('', new Set(['filtered']))), [80]);
  assert.deepEqual(ports(f('mysql', new Set(['filtered']))), []);
  assert.equal(matchesFilter(records[3], { text: 'undefined', states: all.states }), false);
});

test('at most `cap` rows are drawn, and the total says how many match', () => {
  const many = Array.from({ length: 1200 }, (_, i) => row('198.19.0.20', 1000 + i, 'filtered', ''));
  const view = visibleRows(many, all, nextSort(DEFAULT_SORT, 'port'));
  assert.equal(view.rows.length, 500);
  assert.equal(view.total, 1200);
  assert.equal(view.rows[0].port, 2199);
  const one = visibleRows(many, { text: '2199', states: all.states }, DEFAULT_SORT);
  assert.deepEqual([one.rows.length, one.total], [1, 1]);
});

test('visibleRows accepts any iterable (the page passes a Map iterator)', () => {
  const map = new Map(records.map((r) => [r.ip + '|' + r.port, r]));
  assert.equal(visibleRows(map.values(), all, DEFAULT_SORT).total, 4);
});
