// The verified-targets card: a token holder who is not an admin proves control of a public
// host or block (issue 14) before scanning it. Start a verification, read the DNS TXT record
// or HTTP file to publish, press Check, see the state (pending, verified until DATE, failed
// with the reason). Needs a token; without one the card says so. Everything from the server
// (targets, reasons, which can echo a remote peer) goes on the page as text (dom.js).
import { $, el, showError } from './dom.js';
import { isAbort } from './api.js';
import { LatestOnly } from './latest.js';
import { verificationState } from './verification_state.js';

function verificationRow(v, check) {
  const shown = verificationState(v);
  const tr = el('tr', null, { 'data-verification': String(v.id), class: 'verification-' + shown.state });
  tr.appendChild(el('td', v.target, { class: 'wrap' }));
  tr.appendChild(el('td', shown.text, { class: 'wrap verification-state' }));
  const steps = el('td', null, { class: 'wrap' });
  for (const step of shown.steps) {
    const line = el('div', step.label + ': ');
    line.appendChild(el('code', step.value));
    steps.appendChild(line);
  }
  tr.appendChild(steps);
  const cell = el('td');
  if (v.status === 'pending') {
    const button = el('button', 'Check', { type: 'button', class: 'check-verification' });
    button.addEventListener('click', () => check(v, button));
    cell.appendChild(button);
  }
  tr.appendChild(cell);
  return tr;
}

// hasToken() -> whether a token is set: without one the card asks for it and sends nothing.
export function createVerifications(api, hasToken) {
  const guard = new LatestOnly();

  async function load() {
    const ticket = guard.next();
    const body = $('verifications-table').tBodies[0];
    if (!hasToken()) {
      body.replaceChildren();
      $('verifications-note').textContent = 'Verifying a target needs an API token.';
      return;
    }
    try {
      const page = await api.json('/api/v1/verifications', { signal: ticket.signal });
      if (!ticket.current()) return;
      body.replaceChildren(...page.verifications.map((v) => verificationRow(v, check)));
      $('verifications-note').textContent = page.verifications.length ? '' : 'No verifications yet.';
    } catch (e) {
      if (!ticket.current() || isAbort(e)) return;
      body.replaceChildren();
      $('verifications-note').textContent = e.status === 401 ? 'Verifying a target needs an API token.' : e.message;
    }
  }

  // A failed check (422) is recorded by the server as the challenge's last error: the reloaded
  // row shows it. Anything else (a rate limit, a refusal) goes to the error box.
  async function check(v, button) {
    button.disabled = true;
    try {
      await api.postJson(v.check_url, {});
    } catch (e) {
      if (e.status !== 422) showError(e.message);
    }
    await load();
  }

  function wire() {
    $('verify-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      showError('');
      try {
        await api.postJson('/api/v1/verifications', { target: $('verify-target').value.trim() });
        $('verify-target').value = '';
      } catch (err) {
        showError(err.message);
      }
      await load();
    });
  }

  return { load, wire };
}
