// The certificate dialog: a TLS port's certificate (service.js's summary) in the page's
// <dialog id="certificate">. Opened from the results table's "certificate" buttons (mouse or
// keyboard), closed by its Close button or Escape (the browser's <dialog> behaviour). Every
// value is put on the page as text (dom.js el()).
import { $, el } from './dom.js';
import { certificateSummary, serviceText } from './service.js';

export function showCertificate(record) {
  const dialog = $('certificate');
  const summary = certificateSummary(record.tls);
  $('certificate-title').textContent = 'Certificate of ' + record.ip + ' port ' + record.port +
      (serviceText(record) ? ' (' + serviceText(record) + ')' : '');
  const warnings = $('certificate-warnings');
  warnings.replaceChildren(...summary.warnings.map((w) => el('span', w, { class: 'warning' })));
  warnings.hidden = summary.warnings.length === 0;
  const list = $('certificate-fields');
  list.replaceChildren();
  for (const [label, value] of summary.rows) {
    list.appendChild(el('dt', label));
    list.appendChild(el('dd', value));
  }
  if (!dialog.open) dialog.showModal();
}
