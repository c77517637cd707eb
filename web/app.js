// Portlens page. Everything that came from the network (records, hostnames, error messages,
// port descriptions) is put on the page with textContent or as attribute values set through
// the DOM, never parsed as HTML. Every API call carries the token in the Authorization header
// (no cookies), and the live results are read with fetch() streaming, because EventSource
// cannot send that header.
'use strict';

const $ = (id) => document.getElementById(id);
const state = {
  scanId: null,
  rows: new Map(),        // "ip|port" -> record
  sortKey: 'port',
  sortDir: 1,
  stream: null,           // AbortController of the live stream
  historyBefore: null,
  scans: [],
};

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (attrs) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function token() { return $('token').value.trim(); }

function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (token()) h['Authorization'] = 'Bearer ' + token();
  return h;
}

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = !message;
}

// fetch + JSON, turning {"error":{...}} answers into thrown Errors with the server's words.
async function api(path, options) {
  const opts = Object.assign({}, options || {});
  opts.headers = headers(opts.headers);
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    throw new Error('The server cannot be reached: ' + e.message);
  }
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (!res.ok) {
    let message = (body && body.error && body.error.message) || ('HTTP ' + res.status);
    if (res.status === 429 && res.headers.get('Retry-After')) {
      message += ' (retry after ' + res.headers.get('Retry-After') + ' s)';
    }
    const err = new Error(message);
    err.status = res.status;
    throw err;
  }
  return body;
}

// ---- new scan -------------------------------------------------------------------------

function portsValue() {
  const preset = $('ports-preset').value;
  return preset === 'custom' ? $('custom-ports').value.trim() : preset;
}

async function submitScan(targets) {
  showError('');
  if (!targets) { showError('Type a target: an IP address, a hostname or a CIDR block.'); return; }
  $('submit').disabled = true;
  try {
    const body = JSON.stringify({ targets: targets, ports: portsValue(), mode: $('mode').value });
    const created = await api('/api/v1/scans', {
      method: 'POST', body: body, headers: { 'Content-Type': 'application/json' },
    });
    location.hash = '#/scans/' + created.id;
    loadHistory(true);
  } catch (e) {
    showError(e.message);
  } finally {
    $('submit').disabled = false;
  }
}

async function scanMyAddress() {
  showError('');
  try {
    const me = await api('/api/v1/whoami');
    $('targets').value = me.address;
    await submitScan(me.address);
  } catch (e) {
    showError(e.message);
  }
}

// ---- one scan: status, live rows, table ---------------------------------------------------

function renderStatus(scan) {
  $('scan-title').textContent = 'Scan #' + scan.id + ': ' + scan.targets;
  const badge = $('scan-status');
  badge.textContent = scan.status + (scan.resumed ? ' (resumed)' : '');
  badge.className = 'badge ' + scan.status;
  $('scan-progress').value = scan.progress;
  $('scan-rate').textContent = scan.probes_per_second ? Math.round(scan.probes_per_second) + ' probes/s' : '';
  $('scan-eta').textContent = scan.eta_seconds !== null && scan.eta_seconds >= 0 ? 'ETA ' + scan.eta_seconds.toFixed(1) + ' s' : '';
  const c = scan.counts;
  $('scan-counts').textContent = scan.ports_done + ' of ' + scan.ports_total + ' ports: ' +
      c.open + ' open, ' + c.closed + ' closed, ' + c.filtered + ' filtered' +
      (scan.error ? ' | error: ' + scan.error : '');
  $('cancel').disabled = scan.status !== 'queued' && scan.status !== 'running';
}

function compare(a, b) {
  const k = state.sortKey;
  let x = a[k], y = b[k];
  if (k === 'ip') { x = a.ip + '|' + String(a.port).padStart(5, '0'); y = b.ip + '|' + String(b.port).padStart(5, '0'); }
  if (x === undefined || x === null) x = '';
  if (y === undefined || y === null) y = '';
  if (typeof x === 'number' && typeof y === 'number') return (x - y) * state.sortDir;
  return String(x).localeCompare(String(y), undefined, { numeric: true }) * state.sortDir;
}

// A host behind a firewall that drops everything gives 65,535 filtered rows: the table shows
// the first kShownRowsCap of the sorted, filtered rows (the filter and the exports reach the
// rest), so a frame builds a few thousand nodes, not half a million.
const kShownRowsCap = 500;

function renderRows() {
  const filter = $('filter').value.trim().toLowerCase();
  const shown = new Set([...document.querySelectorAll('.state-filter')].filter((c) => c.checked).map((c) => c.value));
  const rows = [...state.rows.values()].filter((r) => shown.has(r.state) &&
      (!filter || [r.ip, r.hostname, r.port, r.service, r.reason, r.state].some((v) => v !== undefined && String(v).toLowerCase().includes(filter))));
  rows.sort(compare);
  const body = $('results').tBodies[0];
  const fresh = document.createElement('tbody');
  for (const r of rows.slice(0, kShownRowsCap)) {
    const tr = el('tr', null, { class: 'state-' + r.state });
    tr.appendChild(el('td', r.hostname ? r.hostname + ' (' + r.ip + ')' : r.ip));
    const portCell = el('td');
    const link = el('a', r.port, { href: '#', class: 'port', 'data-port': String(r.port) });
    portCell.appendChild(link);
    tr.appendChild(portCell);
    tr.appendChild(el('td', r.state));
    tr.appendChild(el('td', r.service || ''));
    tr.appendChild(el('td', r.reason));
    tr.appendChild(el('td', r.rtt_ms === undefined || r.rtt_ms === null ? '' : r.rtt_ms));
    fresh.appendChild(tr);
  }
  body.replaceWith(fresh);
  $('no-rows').hidden = rows.length > 0;
  const more = $('more-rows');
  more.hidden = rows.length <= kShownRowsCap;
  more.textContent = more.hidden ? '' : 'Showing the first ' + kShownRowsCap + ' of ' + rows.length +
      ' ports in this order. Narrow them with the filter, or export the full results.';
  for (const th of document.querySelectorAll('#results th')) {
    th.classList.toggle('sorted-asc', th.dataset.key === state.sortKey && state.sortDir > 0);
    th.classList.toggle('sorted-desc', th.dataset.key === state.sortKey && state.sortDir < 0);
  }
}

// Live rows arrive by the thousand per second in a fast scan: the table is rebuilt at most
// every kLiveRenderMs, in an animation frame.
const kLiveRenderMs = 200;
let renderPending = false;
let lastRender = 0;
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  const wait = Math.max(0, lastRender + kLiveRenderMs - performance.now());
  setTimeout(() => requestAnimationFrame(() => {
    renderPending = false;
    lastRender = performance.now();
    renderRows();
  }), wait);
}

// Reads the event stream with fetch (so the token header goes along) and parses SSE.
async function followEvents(id) {
  if (state.stream) state.stream.abort();
  const controller = new AbortController();
  state.stream = controller;
  let lastId = '';
  for (let attempt = 0; attempt < 20 && !controller.signal.aborted; attempt++) {
    try {
      const url = '/api/v1/scans/' + id + '/events' + (lastId ? '?after=' + encodeURIComponent(lastId) : '');
      const res = await fetch(url, { headers: headers(), signal: controller.signal });
      if (!res.ok) {
        const body = await res.json().catch(() => null);
        throw new Error((body && body.error && body.error.message) || 'HTTP ' + res.status);
      }
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = { type: 'message', data: '', id: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event.type = line.slice(7);
            else if (line.startsWith('data: ')) event.data += line.slice(6);
            else if (line.startsWith('id: ')) event.id = line.slice(4);
          }
          if (event.id) lastId = event.id;
          if (!event.data) continue;
          const data = JSON.parse(event.data);
          if (event.type === 'port') {
            state.rows.set(data.ip + '|' + data.port, data);
            scheduleRender();
          } else if (event.type === 'progress' || event.type === 'end') {
            // At the end the table is complete when the status says so, not a render later.
            if (event.type === 'end') renderRows();
            renderStatus(data);
            if (event.type === 'end') { loadHistory(true); return; }
          }
        }
      }
    } catch (e) {
      if (controller.signal.aborted) return;
      showError('Live results interrupted: ' + e.message);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function openScan(id) {
  state.scanId = id;
  state.rows = new Map();
  $('scan-view').hidden = false;
  $('diff-view').hidden = true;
  $('explanation').hidden = true;
  // Nothing of the previous scan may stay on screen while this one loads.
  $('scan-title').textContent = 'Scan #' + id;
  $('scan-status').textContent = 'loading';
  $('scan-status').className = 'badge';
  $('scan-progress').value = 0;
  for (const id2 of ['scan-rate', 'scan-eta', 'scan-counts']) $(id2).textContent = '';
  renderRows();
  try {
    renderStatus(await api('/api/v1/scans/' + id));
    followEvents(id);
  } catch (e) {
    showError(e.message);
  }
}

async function explainPort(port) {
  const box = $('explanation');
  box.replaceChildren();
  try {
    const info = await api('/api/v1/ports/' + encodeURIComponent(port));
    box.appendChild(el('h3', port + '/tcp' + (info.name ? ' ' + info.name : '')));
    box.appendChild(el('p', info.description || 'IANA lists no service for this port.'));
    box.appendChild(el('p', 'Range: ' + info.range + '. Rank ' + info.rank + ' in the ' + info.ranking + ' top-ports ranking.'));
    if (info.names && info.names.length > 1) box.appendChild(el('p', 'Also known as: ' + info.names.slice(1).join(', ')));
  } catch (e) {
    box.appendChild(el('p', e.message));
  }
  box.hidden = false;
}

async function cancelScan() {
  try {
    renderStatus(await api('/api/v1/scans/' + state.scanId + '/cancel', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}',
    }));
  } catch (e) {
    showError(e.message);
  }
}

// Exports are fetched with the token header, then handed to the browser as a download.
async function exportResults(format) {
  showError('');
  try {
    const res = await fetch('/api/v1/scans/' + state.scanId + '/results?format=' + format + '&states=all', { headers: headers() });
    if (!res.ok) {
      const body = await res.json().catch(() => null);
      throw new Error((body && body.error && body.error.message) || 'HTTP ' + res.status);
    }
    const blob = await res.blob();
    const a = el('a', null, { href: URL.createObjectURL(blob), download: 'portlens-scan-' + state.scanId + '.' + format });
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  } catch (e) {
    showError('Export failed: ' + e.message);
  }
}

// ---- history and diff ------------------------------------------------------------------

function fillDiffSelects() {
  for (const id of ['diff-a', 'diff-b']) {
    const select = $(id);
    const keep = select.value;
    select.replaceChildren();
    for (const s of state.scans) {
      select.appendChild(el('option', '#' + s.id + ' ' + s.targets + ' (' + s.status + ')', { value: String(s.id) }));
    }
    if (keep) select.value = keep;
  }
  if (state.scans.length > 1 && !$('diff-a').dataset.touched) $('diff-a').value = String(state.scans[1].id);
}

async function loadHistory(reset) {
  try {
    const before = reset ? '' : '&before=' + state.historyBefore;
    const page = await api('/api/v1/scans?limit=20' + before);
    if (reset) { state.scans = []; $('history-table').tBodies[0].replaceChildren(); }
    state.scans = state.scans.concat(page.scans);
    const body = $('history-table').tBodies[0];
    for (const s of page.scans) {
      const tr = el('tr', null, { 'data-id': String(s.id) });
      tr.appendChild(el('td', s.id));
      tr.appendChild(el('td', s.targets));
      tr.appendChild(el('td', s.ports));
      tr.appendChild(el('td', s.status));
      tr.appendChild(el('td', s.counts.open));
      tr.appendChild(el('td', s.created ? new Date(s.created * 1000).toLocaleString() : ''));
      body.appendChild(tr);
    }
    state.historyBefore = page.next_before;
    $('more').hidden = !page.next_before;
    fillDiffSelects();
  } catch (e) {
    showError(e.message);
  }
}

async function openDiff(a, b) {
  $('scan-view').hidden = true;
  $('diff-view').hidden = false;
  if (state.stream) state.stream.abort();
  const body = $('diff').tBodies[0];
  body.replaceChildren();
  try {
    const d = await api('/api/v1/scans/' + a + '/diff/' + b);
    $('diff-title').textContent = 'Diff: #' + d.a.id + ' (' + d.a.targets + ') → #' + d.b.id + ' (' + d.b.targets + ')';
    $('diff-summary').textContent = d.compared + ' ports compared: ' + d.opened.length + ' newly open, ' +
        d.closed.length + ' newly closed, ' + d.changed.length + ' changed.';
    for (const [kind, label] of [['opened', 'newly open'], ['closed', 'newly closed'], ['changed', 'changed']]) {
      for (const c of d[kind]) {
        const tr = el('tr', null, { class: kind });
        tr.appendChild(el('td', label));
        tr.appendChild(el('td', c.ip));
        tr.appendChild(el('td', c.port));
        tr.appendChild(el('td', c.service));
        tr.appendChild(el('td', c.before.state + ' (' + c.before.reason + ')'));
        tr.appendChild(el('td', c.after.state + ' (' + c.after.reason + ')'));
        body.appendChild(tr);
      }
    }
  } catch (e) {
    showError(e.message);
  }
}

// ---- routing and wiring ----------------------------------------------------------------

function route() {
  showError('');
  const m = location.hash.match(/^#\/scans\/(\d+)(?:\/diff\/(\d+))?$/);
  if (m && m[2]) openDiff(m[1], m[2]);
  else if (m) openScan(m[1]);
  else { $('scan-view').hidden = true; $('diff-view').hidden = true; }
}

document.addEventListener('DOMContentLoaded', () => {
  $('token').value = sessionStorage.getItem('portlens-token') || '';
  $('token').addEventListener('change', () => {
    sessionStorage.setItem('portlens-token', token());
    loadHistory(true);
  });
  $('scan-form').addEventListener('submit', (e) => { e.preventDefault(); submitScan($('targets').value.trim()); });
  $('scan-me').addEventListener('click', scanMyAddress);
  $('ports-preset').addEventListener('change', () => { $('custom-ports-label').hidden = $('ports-preset').value !== 'custom'; });
  $('cancel').addEventListener('click', cancelScan);
  $('filter').addEventListener('input', renderRows);
  for (const box of document.querySelectorAll('.state-filter')) box.addEventListener('change', renderRows);
  for (const th of document.querySelectorAll('#results th[data-key]')) {
    th.addEventListener('click', () => {
      state.sortDir = state.sortKey === th.dataset.key ? -state.sortDir : 1;
      state.sortKey = th.dataset.key;
      renderRows();
    });
  }
  $('results').addEventListener('click', (e) => {
    const link = e.target.closest('a.port');
    if (link) { e.preventDefault(); explainPort(link.dataset.port); }
  });
  for (const b of document.querySelectorAll('.exports button')) b.addEventListener('click', () => exportResults(b.dataset.format));
  $('history-table').addEventListener('click', (e) => {
    const tr = e.target.closest('tr[data-id]');
    if (tr) location.hash = '#/scans/' + tr.dataset.id;
  });
  $('diff-a').addEventListener('change', () => { $('diff-a').dataset.touched = '1'; });
  $('diff-go').addEventListener('click', () => { location.hash = '#/scans/' + $('diff-a').value + '/diff/' + $('diff-b').value; });
  $('more').addEventListener('click', () => loadHistory(false));
  window.addEventListener('hashchange', route);
  loadHistory(true);
  route();
});
