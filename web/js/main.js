// Portlens page: wiring and routing. The parts: api.js (API client, one error helper),
// event_stream.js (SSE parser), latest.js (stale-response guard), table.js (results table),
// scan_view.js (one scan), service.js (service, version and certificate text),
// certificate.js (the certificate dialog), diff.js, history.js, form.js, monitors.js (the
// monitors card and one monitor's findings and timeline; timeline.js), verifications.js (the
// verified-targets card; verification_state.js), dom.js (text-only DOM helpers).
// The token lives in sessionStorage and goes along as an Authorization header, never as a
// cookie.
import { $, showError } from './dom.js';
import { createApi } from './api.js';
import { LatestOnly } from './latest.js';
import { createScanView } from './scan_view.js';
import { openDiff } from './diff.js';
import { createHistory } from './history.js';
import { wireScanForm } from './form.js';
import { createMonitors } from './monitors.js';
import { createVerifications } from './verifications.js';

const token = () => $('token').value.trim();
const api = createApi(token);
// The main view (a scan or a diff): moving to another one aborts the requests of the last.
const view = new LatestOnly();
const goToScan = (id) => { location.hash = '#/scans/' + id; };
const historyCard = createHistory(api, goToScan);
const scanView = createScanView(api, () => historyCard.load(true));
const monitors = createMonitors(api, () => token() !== '');
const verifications = createVerifications(api, () => token() !== '');

function route() {
  showError('');
  const m = location.hash.match(/^#\/scans\/(\d+)(?:\/diff\/(\d+))?$/);
  const monitor = location.hash.match(/^#\/monitors\/(\d+)$/);
  $('monitor-view').hidden = !monitor;
  if (m && m[2]) openDiff(api, m[1], m[2], view.next());
  else if (m) scanView.open(m[1], view.next());
  else if (monitor) {
    $('scan-view').hidden = true;
    $('diff-view').hidden = true;
    monitors.open(monitor[1], view.next());
  } else {
    view.cancel();
    $('scan-view').hidden = true;
    $('diff-view').hidden = true;
  }
}

function start() {
  $('token').value = sessionStorage.getItem('portlens-token') || '';
  $('token').addEventListener('change', () => {
    sessionStorage.setItem('portlens-token', token());
    historyCard.load(true);
    monitors.loadCard();
    verifications.load();
  });
  wireScanForm(api, (id) => { goToScan(id); historyCard.load(true); });
  scanView.wire();
  historyCard.wire();
  $('diff-go').addEventListener('click', () => {
    location.hash = '#/scans/' + $('diff-a').value + '/diff/' + $('diff-b').value;
  });
  monitors.wire((id) => { location.hash = '#/monitors/' + id; });
  verifications.wire();
  window.addEventListener('hashchange', route);
  historyCard.load(true);
  monitors.loadCard();
  verifications.load();
  route();
}

// Module scripts run after the document is parsed.
start();
