// What service detection said about a port, as text for the page: nmap's service name
// ("ssl/http"), its VERSION column, and a TLS certificate's summary. Pure (tested with
// node --test). Every value here came from a remote peer: callers put the results on the page
// with textContent only (dom.js), never as markup.

// A record's field as text: strings as they are, anything else (a hostile or newer server's
// number, object, null) as '' unless it is a finite number.
function text(value) {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

// nmap's spelling: "ssl/http" when the service answered inside TLS, "ssl/unknown" when TLS
// was all that was recognised.
export function serviceText(record) {
  const name = text(record.service);
  if (record.tunnel === 'ssl') return 'ssl/' + (name || 'unknown');
  return name;
}

// nmap's VERSION column: "product version (extrainfo)", each part only when present.
export function versionText(record) {
  const main = [text(record.product), text(record.version)].filter(Boolean).join(' ');
  const extra = text(record.extrainfo);
  if (!extra) return main;
  return main ? main + ' (' + extra + ')' : '(' + extra + ')';
}

// Whether the record carries a certificate worth a dialog.
export function hasCertificate(record) {
  return record !== null && typeof record === 'object' && record.tls !== null &&
      typeof record.tls === 'object' && !Array.isArray(record.tls);
}

// "ab12cd..." -> "AB:12:CD:..." (how browsers show fingerprints); anything that is not an
// even run of hex digits is returned as it is.
export function fingerprintText(hex) {
  const value = text(hex);
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(value)) return value;
  return value.toUpperCase().match(/../g).join(':');
}

// The record's "tls" object -> {warnings: ['expired', ...], rows: [[label, value], ...]}:
// the rows a person checks first (who it names, who signed it, until when, its fingerprint),
// then the connection's details. Rows without a value are left out.
export function certificateSummary(tls) {
  const warnings = [];
  if (tls.expired === true) warnings.push('expired');
  else if (tls.expires_soon === true) warnings.push('expires within 30 days');
  if (tls.self_signed === true) warnings.push('self-signed');
  const sans = Array.isArray(tls.sans) ? tls.sans.map(text).filter(Boolean).join(', ') : '';
  const key = tls.key && typeof tls.key === 'object'
    ? [text(tls.key.type), tls.key.bits ? text(tls.key.bits) + ' bits' : ''].filter(Boolean).join(' ')
    : '';
  const connection = [text(tls.version), text(tls.cipher), tls.alpn ? 'ALPN ' + text(tls.alpn) : '']
    .filter(Boolean).join(', ');
  const rows = [
    ['Subject', text(tls.subject)],
    ['Alternative names', sans],
    ['Issuer', text(tls.issuer)],
    ['Valid from', text(tls.not_before)],
    ['Valid until', text(tls.not_after)],
    ['Self-signed', tls.self_signed === true ? 'yes' : tls.self_signed === false ? 'no' : ''],
    ['SHA-256', fingerprintText(tls.sha256)],
    ['Key', key],
    ['Connection', connection],
  ].filter(([, value]) => value !== '');
  return { warnings, rows };
}
