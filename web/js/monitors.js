// The monitors card (the caller's monitors: schedule, last run, open findings) and one
// monitor's view (#/monitors/ID): its findings with an Acknowledge button each, and the
// per-host timeline of ports opened and closed (timeline.js). Monitors need a token; without
// one the card says so. Everything from the server goes on the page as text (dom.js).
import { $, el, showError } from './dom.js';
import { isAbort } from './api.js';
import { LatestOnly } from './latest.js';
import { scheduleText, hostTimelines } from './timeline.js';

const when = (seconds) => (seconds ? new Date(seconds * 1000).toLocaleString() : '');

function monitorRow(m) {
  const tr = el('tr', null, { 'data-id': String(m.id), tabindex: '0', 'aria-label': 'Open monitor ' + m.name });
  tr.appendChild(el('td', m.name));
  tr.appendChild(el('td', m.targets, { class: 'wrap' }));
  tr.appendChild(el('td', m.paused ? 'paused' : scheduleText(m)));
  const last = m.last_run;
  tr.appendChild(el('td', last ? '#' + last.id + ' ' + last.status + ' ' + when(last.finished || last.created) : 'not yet'));
  tr.appendChild(el('td', m.open_findings, { class: m.open_findings > 0 ? 'findings-open' : '' }));
  return tr;
}

function findingRow(f, acknowledge) {
  const tr = el('tr', null, { 'data-finding': String(f.id) });
  const d = f.finding || {};
  tr.appendChild(el('td', f.kind));
  tr.appendChild(el('td', d.ip));
  tr.appendChild(el('td', d.port));
  tr.appendChild(el('td', [d.state, d.service, d.product, d.version].filter(Boolean).join(' ')));
  tr.appendChild(el('td', d.detail || d.expected || ''));
  tr.appendChild(el('td', f.state + (f.resolved_at ? ' ' + when(f.resolved_at) : '')));
  tr.appendChild(el('td', when(f.opened_at)));
  const cell = el('td');
  if (f.acknowledged_at) {
    cell.textContent = 'acknowledged by ' + (f.acknowledged_by || '?');
  } else if (f.state === 'open') {
    const button = el('button', 'Acknowledge', { type: 'button', class: 'acknowledge' });
    button.addEventListener('click', () => acknowledge(f.id));
    cell.appendChild(button);
  }
  tr.appendChild(cell);
  return tr;
}

function timelineList(findings) {
  const list = el('ul', null, { class: 'timeline' });
  for (const host of hostTimelines(findings)) {
    const item = el('li');
    item.appendChild(el('strong', host.ip));
    const changes = el('ol');
    for (const c of host.changes) {
      changes.appendChild(el('li', when(c.at) + ': port ' + c.port + ' ' + c.change, { class: 'change-' + c.change }));
    }
    item.appendChild(changes);
    list.appendChild(item);
  }
  if (!list.children.length) list.appendChild(el('li', 'No port has opened or closed since the first run.', { class: 'muted' }));
  return list;
}

// hasToken() -> whether a token is set: without one the card asks for it and sends nothing.
export function createMonitors(api, hasToken) {
  const cardGuard = new LatestOnly();

  async function loadCard() {
    const ticket = cardGuard.next();
    const body = $('monitors-table').tBodies[0];
    if (!hasToken()) {
      body.replaceChildren();
      $('monitors-note').textContent = 'Monitors need an API token.';
      return;
    }
    try {
      const page = await api.json('/api/v1/monitors', { signal: ticket.signal });
      if (!ticket.current()) return;
      body.replaceChildren(...page.monitors.map(monitorRow));
      $('monitors-note').textContent = page.monitors.length ? '' : 'No monitors yet (POST /api/v1/monitors).';
    } catch (e) {
      if (!ticket.current() || isAbort(e)) return;
      body.replaceChildren();
      $('monitors-note').textContent = e.status === 401 ? 'Monitors need an API token.' : e.message;
    }
  }

  async function open(id, ticket) {
    $('monitor-view').hidden = false;
    try {
      const [monitor, findings] = await Promise.all([
        api.json('/api/v1/monitors/' + id, { signal: ticket.signal }),
        api.json('/api/v1/findings?monitor=' + id + '&state=all', { signal: ticket.signal }),
      ]);
      if (!ticket.current()) return;
      $('monitor-title').textContent = 'Monitor ' + monitor.name;
      $('monitor-summary').textContent = monitor.targets + ', ports ' + monitor.ports + ', ' +
        (monitor.paused ? 'paused' : scheduleText(monitor) + ', next ' + when(monitor.next_run_at)) +
        (monitor.last_error ? ' (' + monitor.last_error + ')' : '');
      const acknowledge = async (findingId) => {
        try {
          await api.postJson('/api/v1/findings/' + findingId + '/acknowledge', {});
          open(id, ticket);
        } catch (e) {
          showError(e.message);
        }
      };
      $('findings-table').tBodies[0].replaceChildren(...findings.findings.map((f) => findingRow(f, acknowledge)));
      $('monitor-timeline').replaceChildren(timelineList(findings.findings));
    } catch (e) {
      if (ticket.current() && !isAbort(e)) showError(e.message);
    }
  }

  function wire(openMonitor) {
    const table = $('monitors-table');
    table.addEventListener('click', (e) => {
      const tr = e.target.closest('tr[data-id]');
      if (tr) openMonitor(tr.dataset.id);
    });
    table.addEventListener('keydown', (e) => {
      const tr = e.target.closest('tr[data-id]');
      if (!tr || (e.key !== 'Enter' && e.key !== ' ')) return;
      e.preventDefault();
      openMonitor(tr.dataset.id);
    });
  }

  return { loadCard, open, wire };
}
