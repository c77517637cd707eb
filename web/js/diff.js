// The diff view: what changed between two scans of the caller.
import { $, el, showError } from './dom.js';
import { isAbort } from './api.js';
import { serviceText, versionText } from './service.js';

const KINDS = [['opened', 'newly open'], ['closed', 'newly closed'], ['changed', 'changed']];

// One side of a change: "open (syn-ack)", and what detection named when it ran there:
// "open (syn-ack): ssl/http nginx 1.24.0". Pure.
export function sideText(side) {
  const state = side.state + ' (' + side.reason + ')';
  if (typeof side.service !== 'string') return state;
  const detected = [serviceText(side), versionText(side)].filter(Boolean).join(' ');
  return detected ? state + ': ' + detected : state;
}

function changeRow(kind, label, c) {
  const tr = el('tr', null, { class: kind });
  tr.appendChild(el('td', label));
  tr.appendChild(el('td', c.ip, { class: 'wrap' }));
  tr.appendChild(el('td', c.port));
  tr.appendChild(el('td', c.service));
  tr.appendChild(el('td', sideText(c.before)));
  tr.appendChild(el('td', sideText(c.after)));
  return tr;
}

// ticket: from the page's view guard (latest.js); an answer for a view the user left is
// dropped.
export async function openDiff(api, a, b, ticket) {
  $('scan-view').hidden = true;
  $('diff-view').hidden = false;
  $('diff-title').textContent = 'Diff: #' + a + ' → #' + b;
  $('diff-summary').textContent = 'Loading…';
  const body = $('diff').tBodies[0];
  body.replaceChildren();
  let d;
  try {
    d = await api.json('/api/v1/scans/' + a + '/diff/' + b, { signal: ticket.signal });
  } catch (e) {
    if (!ticket.current() || isAbort(e)) return;
    $('diff-summary').textContent = '';
    showError(e.message);
    return;
  }
  if (!ticket.current()) return;
  $('diff-title').textContent = 'Diff: #' + d.a.id + ' (' + d.a.targets + ') → #' + d.b.id + ' (' + d.b.targets + ')';
  $('diff-summary').textContent = d.compared + ' ports compared: ' + d.opened.length + ' newly open, ' +
      d.closed.length + ' newly closed, ' + d.changed.length + ' changed.';
  for (const [kind, label] of KINDS) {
    for (const c of d[kind]) body.appendChild(changeRow(kind, label, c));
  }
}
