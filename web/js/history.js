// The history card: the caller's scans, newest first, 20 a page; rows open their scan by
// click, Enter or Space; the two "compare" selectors of the diff are filled from it.
import { $, el, showError } from './dom.js';
import { isAbort } from './api.js';
import { LatestOnly } from './latest.js';

const PAGE_SIZE = 20;
const PRESET_NAMES = { top100: 'top 100', top1000: 'top 1000', all: 'all' };

// What the user chose for ports, as the form named it. Servers from before ports_label
// send only the expanded spec.
export function portsText(scan) {
  const label = scan.ports_label || scan.ports || '';
  return PRESET_NAMES[label] || label;
}

function historyRow(scan) {
  const tr = el('tr', null, {
    'data-id': String(scan.id), tabindex: '0', 'aria-label': 'Open scan #' + scan.id + ' of ' + scan.targets,
  });
  // data-label names a cell where a phone shows the rows without their header (app.css).
  tr.appendChild(el('td', scan.id));
  tr.appendChild(el('td', scan.targets, { class: 'wrap' }));
  const ports = portsText(scan);
  tr.appendChild(el('td', ports, { class: 'ports-label', title: ports, 'data-label': 'Ports' }));
  tr.appendChild(el('td', scan.status));
  tr.appendChild(el('td', scan.counts.open, { 'data-label': 'Open' }));
  const created = scan.created ? new Date(scan.created * 1000) : null;
  tr.appendChild(el('td', created ? created.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }) : '',
                    created ? { title: created.toLocaleString() } : {}));
  return tr;
}

export function createHistory(api, openScan) {
  const guard = new LatestOnly();
  let scans = [];
  let before = null;

  function fillDiffSelects() {
    for (const id of ['diff-a', 'diff-b']) {
      const select = $(id);
      const keep = select.value;
      select.replaceChildren();
      for (const s of scans) {
        select.appendChild(el('option', '#' + s.id + ' ' + s.targets + ' (' + s.status + ')', { value: String(s.id) }));
      }
      if (keep) select.value = keep;
    }
    if (scans.length > 1 && !$('diff-a').dataset.touched) $('diff-a').value = String(scans[1].id);
  }

  // reset: from the newest scan again (a new scan, another token); else the next page.
  async function load(reset) {
    const ticket = guard.next();
    try {
      const query = '?limit=' + PAGE_SIZE + (reset || !before ? '' : '&before=' + before);
      const page = await api.json('/api/v1/scans' + query, { signal: ticket.signal });
      if (!ticket.current()) return;
      const body = $('history-table').tBodies[0];
      // A refresh rebuilds the rows: the row a keyboard user is on keeps the focus.
      const focused = body.contains(document.activeElement) ? document.activeElement.dataset.id : null;
      if (reset) { scans = []; body.replaceChildren(); }
      scans = scans.concat(page.scans);
      for (const s of page.scans) body.appendChild(historyRow(s));
      if (focused) body.querySelector(`tr[data-id="${focused}"]`)?.focus();
      before = page.next_before;
      $('more').hidden = !page.next_before;
      fillDiffSelects();
    } catch (e) {
      if (ticket.current() && !isAbort(e)) showError(e.message);
    }
  }

  function wire() {
    const table = $('history-table');
    table.addEventListener('click', (e) => {
      const tr = e.target.closest('tr[data-id]');
      if (tr) openScan(tr.dataset.id);
    });
    table.addEventListener('keydown', (e) => {
      const tr = e.target.closest('tr[data-id]');
      if (!tr || (e.key !== 'Enter' && e.key !== ' ')) return;
      e.preventDefault();  // Space would scroll the page
      openScan(tr.dataset.id);
    });
    $('diff-a').addEventListener('change', () => { $('diff-a').dataset.touched = '1'; });
    $('more').addEventListener('click', () => load(false));
  }

  return { load, wire };
}
