// One scan: its status line, the live rows (read from the event stream), the results table,
// port explanations, cancel and exports.
import { $, el, showError } from './dom.js';
import { ApiError, isAbort } from './api.js';
import { EventStreamParser, readEventStream } from './event_stream.js';
import { LatestOnly } from './latest.js';
import { DEFAULT_SORT, nextSort, renderResults, visibleRows } from './table.js';
import { showCertificate } from './certificate.js';

// Live rows arrive by the thousand per second in a fast scan: the table is rebuilt at most
// every LIVE_RENDER_MS, in an animation frame.
const LIVE_RENDER_MS = 200;
// Transient failures of the stream (network, server restart, 5xx, 429) are retried this
// often, after the pause the server asked for with `retry:` (else 1 s).
const STREAM_ATTEMPTS = 20;
const DEFAULT_RETRY_MS = 1000;

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

export function createScanView(api, onFinished) {
  let scanId = null;
  let ticket = null;  // the view's current ticket (main.js's LatestOnly)
  let rows = new Map();  // "ip|port" -> record
  let sort = DEFAULT_SORT;
  let renderPending = false;
  let lastRender = 0;
  const explainGuard = new LatestOnly();

  function renderRows() {
    const filter = {
      text: $('filter').value,
      states: new Set([...document.querySelectorAll('.state-filter')].filter((c) => c.checked).map((c) => c.value)),
    };
    renderResults($('results'), visibleRows(rows.values(), filter, sort), sort,
                  { empty: $('no-rows'), more: $('more-rows') });
  }

  function scheduleRender(forTicket) {
    if (renderPending) return;
    renderPending = true;
    const wait = Math.max(0, lastRender + LIVE_RENDER_MS - performance.now());
    setTimeout(() => requestAnimationFrame(() => {
      renderPending = false;
      lastRender = performance.now();
      if (forTicket.current()) renderRows();
    }), wait);
  }

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

  function clearStatus(id) {
    $('scan-title').textContent = 'Scan #' + id;
    $('scan-status').textContent = 'loading';
    $('scan-status').className = 'badge';
    $('scan-progress').value = 0;
    for (const field of ['scan-rate', 'scan-eta', 'scan-counts', 'scan-detection']) $(field).textContent = '';
    $('cancel').disabled = true;
  }

  // Handles one event of the stream; returns true once the scan is final.
  function handleEvent(event, forTicket, parser) {
    let data;
    try { data = JSON.parse(event.data); } catch { return; }
    if (event.type === 'port') {
      rows.set(data.ip + '|' + data.port, data);
      scheduleRender(forTicket);
    } else if (event.type === 'progress') {
      renderStatus(data);
    } else if (event.type === 'end') {
      // The table is complete when the status says so, not a render later.
      renderRows();
      renderStatus(data);
      parser.stop();
      onFinished();
    }
  }

  // Reads the live events with fetch (so the token header goes along). Reconnects after
  // transient failures, continuing after the last event id; a refusal (401, 403, 404) is
  // shown and not retried.
  async function follow(id, forTicket) {
    const parser = new EventStreamParser((event) => {
      if (forTicket.current()) handleEvent(event, forTicket, parser);
    });
    let interrupted = false;
    for (let attempt = 0; attempt < STREAM_ATTEMPTS; attempt++) {
      try {
        const after = parser.lastEventId ? '?after=' + encodeURIComponent(parser.lastEventId) : '';
        const res = await api.request('/api/v1/scans/' + id + '/events' + after, { signal: forTicket.signal });
        if (interrupted) { showError(''); interrupted = false; }
        await readEventStream(res.body, parser);
        if (parser.stopped) return;
      } catch (e) {
        if (!forTicket.current() || isAbort(e)) return;
        // A refusal answers the same next time; a stream cut mid-way (the reader's TypeError)
        // is the network.
        if (e instanceof ApiError && !e.transient) { showError('Live results stopped: ' + e.message); return; }
        showError('Live results interrupted (' + e.message + '); trying again.');
        interrupted = true;
      }
      await sleep(parser.retry ?? DEFAULT_RETRY_MS, forTicket.signal);
      if (!forTicket.current()) return;
    }
    showError('Live results: the server did not answer after ' + STREAM_ATTEMPTS + ' tries; reload the page.');
  }

  async function open(id, forTicket) {
    scanId = id;
    ticket = forTicket;
    rows = new Map();
    $('scan-view').hidden = false;
    $('diff-view').hidden = true;
    $('explanation').hidden = true;
    explainGuard.cancel();
    // Nothing of the previous scan may stay on screen while this one loads.
    clearStatus(id);
    renderRows();
    let scan;
    try {
      scan = await api.json('/api/v1/scans/' + id, { signal: forTicket.signal });
    } catch (e) {
      if (forTicket.current() && !isAbort(e)) showError(e.message);
      return;
    }
    if (!forTicket.current()) return;
    renderStatus(scan);
    $('scan-detection').textContent = scan.service_detection ? 'Service detection: on' : '';
    await follow(id, forTicket);
  }

  async function explainPort(port) {
    const explainTicket = explainGuard.next();
    const box = $('explanation');
    let info = null;
    let failure = null;
    try {
      info = await api.json('/api/v1/ports/' + encodeURIComponent(port), { signal: explainTicket.signal });
    } catch (e) {
      failure = e;
    }
    if (!explainTicket.current() || isAbort(failure)) return;
    box.replaceChildren();
    if (failure) {
      box.appendChild(el('p', failure.message));
    } else {
      box.appendChild(el('h3', port + '/tcp' + (info.name ? ' ' + info.name : '')));
      box.appendChild(el('p', info.description || 'IANA lists no service for this port.'));
      box.appendChild(el('p', 'Range: ' + info.range + '. Rank ' + info.rank + ' in the ' + info.ranking + ' top-ports ranking.'));
      if (info.names && info.names.length > 1) box.appendChild(el('p', 'Also known as: ' + info.names.slice(1).join(', ')));
    }
    box.hidden = false;
  }

  async function cancel() {
    const forTicket = ticket;
    try {
      const scan = await api.postJson('/api/v1/scans/' + scanId + '/cancel', {}, forTicket.signal);
      if (forTicket.current()) renderStatus(scan);
    } catch (e) {
      if (forTicket.current() && !isAbort(e)) showError(e.message);
    }
  }

  // Exports are fetched with the token header, then handed to the browser as a download.
  async function exportResults(format) {
    showError('');
    const id = scanId;
    try {
      const res = await api.request('/api/v1/scans/' + id + '/results?format=' + format + '&states=all');
      const blob = await res.blob();
      const a = el('a', null, { href: URL.createObjectURL(blob), download: 'portlens-scan-' + id + '.' + format });
      document.body.appendChild(a);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    } catch (e) {
      showError('Export failed: ' + e.message);
    }
  }

  function wire() {
    $('cancel').addEventListener('click', cancel);
    $('filter').addEventListener('input', renderRows);
    for (const box of document.querySelectorAll('.state-filter')) box.addEventListener('change', renderRows);
    for (const th of document.querySelectorAll('#results th[data-key]')) {
      th.addEventListener('click', () => {
        sort = nextSort(sort, th.dataset.key);
        renderRows();
      });
    }
    $('results').addEventListener('click', (e) => {
      const link = e.target.closest('a.port');
      if (link) { e.preventDefault(); explainPort(link.dataset.port); }
      const cert = e.target.closest('button.cert');
      const record = cert ? rows.get(cert.dataset.row) : undefined;
      if (record) showCertificate(record);
    });
    for (const b of document.querySelectorAll('.exports button')) {
      b.addEventListener('click', () => exportResults(b.dataset.format));
    }
    renderRows();
  }

  return { open, wire };
}
