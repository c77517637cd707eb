// Service detection's text on the page: nmap's service name, the VERSION column, the
// certificate summary, a diff side; and the table's use of them (sort, filter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certificateSummary, fingerprintText, hasCertificate, serviceText, versionText } from '../../web/js/service.js';
import { sideText } from '../../web/js/diff.js';
import { DEFAULT_SORT, visibleRows } from '../../web/js/table.js';

test('the service is spelled as nmap does: ssl/NAME inside TLS', () => {
  assert.equal(serviceText({ service: 'http' }), 'http');
  assert.equal(serviceText({ service: 'http', tunnel: 'ssl' }), 'ssl/http');
  assert.equal(serviceText({ tunnel: 'ssl' }), 'ssl/unknown');
  assert.equal(serviceText({}), '');
  assert.equal(serviceText({ service: { toString: () => '<b>' } }), '', 'only strings are shown');
});

test('the version column is "product version (extrainfo)" with the parts present', () => {
  assert.equal(versionText({ product: 'nginx', version: '1.22.1', extrainfo: 'Debian' }), 'nginx 1.22.1 (Debian)');
  assert.equal(versionText({ product: 'OpenSSH', version: '9.2p1 Debian 2+deb12u3' }), 'OpenSSH 9.2p1 Debian 2+deb12u3');
  assert.equal(versionText({ product: 'Redis key-value store' }), 'Redis key-value store');
  assert.equal(versionText({ version: '4.96' }), '4.96');
  assert.equal(versionText({ extrainfo: 'protocol 2.0' }), '(protocol 2.0)');
  assert.equal(versionText({ service: 'http', port: 80 }), '', 'no detection, no version');
  assert.equal(versionText({ product: '<script>alert(1)</script>' }), '<script>alert(1)</script>',
               'markup stays text: the page sets it with textContent');
});

const tls = {
  version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', alpn: 'h2',
  subject: 'CN=lab.example,O=Portlens Lab', common_name: 'lab.example',
  sans: ['DNS:lab.example', 'IP:198.18.0.7'], issuer: 'CN=lab.example,O=Portlens Lab',
  not_before: '2024-01-01T00:00:00Z', not_after: '2025-01-01T00:00:00Z',
  self_signed: true, expired: true, expires_soon: false,
  sha256: 'ab'.repeat(32), key: { type: 'EC', bits: 256 },
};

test('a certificate summary shows who, by whom, until when, and its fingerprint', () => {
  const s = certificateSummary(tls);
  assert.deepEqual(s.warnings, ['expired', 'self-signed']);
  const rows = Object.fromEntries(s.rows);
  assert.equal(rows.Subject, 'CN=lab.example,O=Portlens Lab');
  assert.equal(rows['Alternative names'], 'DNS:lab.example, IP:198.18.0.7');
  assert.equal(rows['Valid until'], '2025-01-01T00:00:00Z');
  assert.equal(rows['Self-signed'], 'yes');
  assert.equal(rows['SHA-256'], Array(32).fill('AB').join(':'));
  assert.equal(rows.Key, 'EC 256 bits');
  assert.equal(rows.Connection, 'TLSv1.3, TLS_AES_256_GCM_SHA384, ALPN h2');
  assert.deepEqual(s.rows.map(([label]) => label).slice(0, 3), ['Subject', 'Alternative names', 'Issuer']);
});

test('a certificate that expires soon says so; missing and odd fields are left out', () => {
  const s = certificateSummary({ subject: 'CN=x', expires_soon: true, expired: false, self_signed: false, sans: [7, 'DNS:x'], key: 'RSA' });
  assert.deepEqual(s.warnings, ['expires within 30 days']);
  assert.deepEqual(s.rows, [['Subject', 'CN=x'], ['Alternative names', '7, DNS:x'], ['Self-signed', 'no']]);
  assert.deepEqual(certificateSummary({}), { warnings: [], rows: [] });
});

test('fingerprints are grouped in pairs; anything but hex is shown as it came', () => {
  assert.equal(fingerprintText('0a1b'), '0A:1B');
  assert.equal(fingerprintText('0a1'), '0a1');
  assert.equal(fingerprintText('<b>'), '<b>');
  assert.equal(fingerprintText(undefined), '');
});

test('only records with a tls object get a certificate button', () => {
  assert.equal(hasCertificate({ tls }), true);
  assert.equal(hasCertificate({ tls: null }), false);
  assert.equal(hasCertificate({ tls: 'x' }), false);
  assert.equal(hasCertificate({ tls: [] }), false);
  assert.equal(hasCertificate({}), false);
});

test('a diff side shows the detected service and version when there is one', () => {
  assert.equal(sideText({ state: 'open', reason: 'syn-ack' }), 'open (syn-ack)');
  assert.equal(sideText({ state: 'open', reason: 'syn-ack', service: 'http', product: 'nginx', version: '1.24.0', tunnel: 'ssl' }),
               'open (syn-ack): ssl/http nginx 1.24.0');
  assert.equal(sideText({ state: 'open', reason: 'syn-ack', service: '', product: '', version: '' }), 'open (syn-ack)');
});

test('the table sorts and filters by the version text shown', () => {
  const rows = [
    { ip: '198.18.0.7', port: 80, state: 'open', service: 'http', product: 'nginx', version: '1.22.1' },
    { ip: '198.18.0.7', port: 22, state: 'open', service: 'ssh', product: 'OpenSSH', version: '9.2p1' },
    { ip: '198.18.0.7', port: 443, state: 'open', service: 'http', tunnel: 'ssl', product: 'Apache httpd' },
  ];
  const all = { text: '', states: new Set(['open']) };
  const byVersion = visibleRows(rows, all, { key: 'version', dir: 1 });
  assert.deepEqual(byVersion.rows.map((r) => r.port), [443, 80, 22]);
  const filtered = (text) => visibleRows(rows, { text, states: all.states }, DEFAULT_SORT).rows.map((r) => r.port);
  assert.deepEqual(filtered('nginx 1.22'), [80]);
  assert.deepEqual(filtered('ssl/http'), [443]);
});
