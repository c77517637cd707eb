// The stale-response guard: an answer for a view the user left must not be drawn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatestOnly } from '../../web/js/latest.js';

// A request whose answer the test releases by hand, in any order.
function deferred() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

// What openScan does: ask, then draw only if the ticket is still current.
async function openView(guard, answer, drawn, name) {
  const ticket = guard.next();
  const value = await answer.promise;
  if (ticket.current()) drawn.push(name + ':' + value);
  return ticket;
}

test('a late answer for the previous view is dropped', async () => {
  const guard = new LatestOnly();
  const drawn = [];
  const slow = deferred();
  const fast = deferred();
  const first = openView(guard, slow, drawn, 'scan 1');
  const second = openView(guard, fast, drawn, 'scan 2');
  fast.resolve('status');
  await second;
  slow.resolve('status');  // arrives after the user moved on
  await first;
  assert.deepEqual(drawn, ['scan 2:status']);
});

test('moving on aborts the previous requests', () => {
  const guard = new LatestOnly();
  const a = guard.next();
  assert.equal(a.signal.aborted, false);
  assert.equal(a.current(), true);
  const b = guard.next();
  assert.equal(a.signal.aborted, true);
  assert.equal(a.current(), false);
  assert.equal(b.signal.aborted, false);
  assert.equal(b.current(), true);
});

test('cancel() leaves no view current', () => {
  const guard = new LatestOnly();
  const a = guard.next();
  guard.cancel();
  assert.equal(a.current(), false);
  assert.equal(a.signal.aborted, true);
  assert.equal(guard.next().current(), true);
});

test('guards are independent (the explanation box does not cancel the scan view)', () => {
  const view = new LatestOnly();
  const explain = new LatestOnly();
  const scan = view.next();
  explain.next();
  explain.next();
  assert.equal(scan.current(), true);
});
