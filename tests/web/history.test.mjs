// The history's Ports column shows what the user chose, not the expanded set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portsText } from '../../web/js/history.js';
import { portsValue } from '../../web/js/form.js';

test('presets by their form names, specs as typed', () => {
  assert.equal(portsText({ ports_label: 'top1000', ports: '1,3,4,6,7,9,13' }), 'top 1000');
  assert.equal(portsText({ ports_label: 'top100', ports: '7,9' }), 'top 100');
  assert.equal(portsText({ ports_label: 'all', ports: '1-65535' }), 'all');
  assert.equal(portsText({ ports_label: 'http,22', ports: '22,80' }), 'http,22');
  assert.equal(portsText({ ports: '1-4000' }), '1-4000');  // a server without ports_label
});

test('the form sends the preset name or the spec as typed', () => {
  assert.equal(portsValue('top1000', '22'), 'top1000');
  assert.equal(portsValue('custom', ' 22,80-90 '), '22,80-90');
});
