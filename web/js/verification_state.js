// The verifications card's pure part: what one verification (GET /api/v1/verifications) says
// to its holder. No DOM here, so tests/web checks it with node.

const day = (iso) => (iso ? new Date(iso).toLocaleString() : '');

// -> { state: 'pending'|'failed'|'verified'|'expired', text, steps: [{ label, value }] }.
// A pending challenge whose last check failed is 'failed' with the server's reason; it can
// still be checked again until it lapses. `steps` are what the holder must publish.
export function verificationState(v) {
  if (v.status === 'verified') {
    const proved = Array.isArray(v.proved) ? v.proved.join(', ') : '';
    return {
      state: 'verified',
      text: 'verified until ' + day(v.expires_at) + (v.method ? ' (' + v.method + ')' : ''),
      steps: proved ? [{ label: 'Opens', value: proved }] : [],
    };
  }
  if (v.status !== 'pending') return { state: 'expired', text: 'expired ' + day(v.expires_at), steps: [] };
  const steps = [];
  const methods = v.methods || {};
  if (methods.dns) {
    steps.push({ label: 'DNS ' + methods.dns.type + ' record ' + methods.dns.name, value: methods.dns.value });
  }
  if (methods.http) {
    steps.push({ label: 'or a file at ' + methods.http.url + ' containing', value: methods.http.body_contains });
  }
  if (v.last_error) return { state: 'failed', text: 'failed: ' + v.last_error, steps };
  return { state: 'pending', text: 'pending until ' + day(v.expires_at), steps };
}
