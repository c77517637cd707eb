// The verifications card's text: what to publish while pending, the reason of a failed
// check, the date a proof runs out. The objects are shaped as docs/api.md documents them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verificationState } from '../../web/js/verification_state.js';

const pending = {
  id: 'ab12', target: 'www.example', status: 'pending', token: 'portlens-t0k',
  created_at: '2026-12-01T10:00:00Z', expires_at: '2026-12-02T10:00:00Z',
  methods: {
    dns: { name: '_portlens-challenge.www.example', type: 'TXT', value: 'portlens-t0k' },
    http: { url: 'http://www.example/.well-known/portlens-challenge/portlens-t0k', body_contains: 'portlens-t0k' },
  },
};

test('a pending name lists the TXT record and the file, token as the value', () => {
  const s = verificationState(pending);
  assert.equal(s.state, 'pending');
  assert.match(s.text, /^pending until /);
  assert.deepEqual(s.steps, [
    { label: 'DNS TXT record _portlens-challenge.www.example', value: 'portlens-t0k' },
    { label: 'or a file at http://www.example/.well-known/portlens-challenge/portlens-t0k containing', value: 'portlens-t0k' },
  ]);
});

test('an address block has only the file', () => {
  const block = { ...pending, target: '5.6.7.0/30', methods: { http: { url: 'http://5.6.7.1/x', body_contains: 't' } } };
  assert.equal(verificationState(block).steps.length, 1);
});

test('a failed check says why, and still shows what to publish', () => {
  const s = verificationState({ ...pending, last_error: 'no TXT record at _portlens-challenge.www.example has the token' });
  assert.equal(s.state, 'failed');
  assert.equal(s.text, 'failed: no TXT record at _portlens-challenge.www.example has the token');
  assert.equal(s.steps.length, 2);
});

test('a proof says until when and what it opens', () => {
  const s = verificationState({ id: 'ab12', target: 'www.example', status: 'verified', method: 'dns',
    expires_at: '2026-12-09T10:00:00Z', proved: ['1.2.3.4/32', '2001:db8::1/128'] });
  assert.equal(s.state, 'verified');
  assert.equal(s.text, 'verified until ' + new Date('2026-12-09T10:00:00Z').toLocaleString() + ' (dns)');
  assert.deepEqual(s.steps, [{ label: 'Opens', value: '1.2.3.4/32, 2001:db8::1/128' }]);
});

test('an expired one has nothing to publish', () => {
  const s = verificationState({ id: 'x', target: 'a.example', status: 'expired', expires_at: '2026-12-01T00:00:00Z' });
  assert.equal(s.state, 'expired');
  assert.deepEqual(s.steps, []);
});
