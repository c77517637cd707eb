// The results table: which rows (filter by text and state), in which order (a sortable
// column, ascending or descending), how many are drawn, and the drawing itself. The logic
// is pure (tested with node --test); renderResults is the only part that touches the DOM.
import { el } from './dom.js';
import { hasCertificate, serviceText, versionText } from './service.js';

// A host behind a firewall that drops everything gives 65,535 filtered rows: the table shows
// the first SHOWN_ROWS_CAP of the sorted, filtered rows (the filter and the exports reach the
// rest), so a frame builds a few thousand nodes, not half a million.
export const SHOWN_ROWS_CAP = 500;

export const DEFAULT_SORT = Object.freeze({ key: 'port', dir: 1 });

// Clicking a column: the same one flips the order, another sorts ascending by it.
export function nextSort(sort, key) {
  return { key, dir: sort.key === key ? -sort.dir : 1 };
}

// The aria-sort value of a header (https://www.w3.org/TR/wai-aria-1.2/#aria-sort).
export function ariaSort(sort, key) {
  if (sort.key !== key) return 'none';
  return sort.dir > 0 ? 'ascending' : 'descending';
}

function sortValue(row, key) {
  // Host order keeps each host's ports in numeric order.
  if (key === 'ip') return row.ip + '|' + String(row.port).padStart(5, '0');
  // The columns show derived text ("ssl/http", "nginx 1.22.1 (Debian)"): sort by what is shown.
  if (key === 'service') return serviceText(row);
  if (key === 'version') return versionText(row);
  const v = row[key];
  return v === undefined || v === null ? '' : v;
}

export function compareRows(a, b, sort) {
  const x = sortValue(a, sort.key);
  const y = sortValue(b, sort.key);
  if (typeof x === 'number' && typeof y === 'number') return (x - y) * sort.dir;
  return String(x).localeCompare(String(y), undefined, { numeric: true }) * sort.dir;
}

// filter: {text, states: Set of states shown}. The text matches host, name, port, service,
// version, reason or state, case-insensitively.
export function matchesFilter(row, filter) {
  if (!filter.states.has(row.state)) return false;
  const text = filter.text.trim().toLowerCase();
  if (!text) return true;
  return [row.ip, row.hostname, row.port, serviceText(row), versionText(row), row.reason, row.state]
    .some((v) => v !== undefined && v !== null && String(v).toLowerCase().includes(text));
}

// -> {rows: the first `cap` matching rows in order, total: how many match}.
export function visibleRows(records, filter, sort, cap = SHOWN_ROWS_CAP) {
  const rows = [...records].filter((r) => matchesFilter(r, filter));
  rows.sort((a, b) => compareRows(a, b, sort));
  return { rows: rows.slice(0, cap), total: rows.length };
}

function rowElement(r) {
  const tr = el('tr', null, { class: 'state-' + r.state });
  tr.appendChild(el('td', r.hostname ? r.hostname + ' (' + r.ip + ')' : r.ip));
  const portCell = el('td');
  portCell.appendChild(el('a', r.port, { href: '#', class: 'port', 'data-port': String(r.port) }));
  tr.appendChild(portCell);
  tr.appendChild(el('td', r.state));
  tr.appendChild(el('td', serviceText(r)));
  const versionCell = el('td', versionText(r), { class: 'version' });
  if (hasCertificate(r)) {
    // A real button: reachable with Tab, opened with Enter or Space as well as the mouse.
    versionCell.appendChild(el('button', 'certificate', {
      type: 'button', class: 'cert', 'data-row': r.ip + '|' + r.port,
      'aria-label': 'TLS certificate of ' + r.ip + ' port ' + r.port, 'aria-haspopup': 'dialog',
    }));
  }
  tr.appendChild(versionCell);
  tr.appendChild(el('td', r.reason));
  tr.appendChild(el('td', r.rtt_ms === undefined || r.rtt_ms === null ? '' : r.rtt_ms));
  return tr;
}

// Draws `view` (from visibleRows) into the table; marks the sorted header; fills the
// "no rows" and "first N of M" notes.
export function renderResults(table, view, sort, notes) {
  const fresh = document.createElement('tbody');
  for (const r of view.rows) fresh.appendChild(rowElement(r));
  table.tBodies[0].replaceWith(fresh);
  notes.empty.hidden = view.total > 0;
  notes.more.hidden = view.total <= view.rows.length;
  notes.more.textContent = notes.more.hidden ? '' : 'Showing the first ' + view.rows.length + ' of ' +
      view.total + ' ports in this order. Narrow them with the filter, or export the full results.';
  for (const th of table.querySelectorAll('th[data-key]')) {
    th.setAttribute('aria-sort', ariaSort(sort, th.dataset.key));
  }
}
