// The new-scan form: targets, a ports preset or a spec, the scan type, service detection.
import { $, showError } from './dom.js';

// What goes into "ports" of POST /api/v1/scans: the preset name or the spec as typed.
export function portsValue(preset, custom) {
  return preset === 'custom' ? custom.trim() : preset;
}

// onCreated(id) runs once the server accepted the scan.
export function wireScanForm(api, onCreated) {
  async function submit(targets) {
    showError('');
    if (!targets) { showError('Type a target: an IP address, a hostname or a CIDR block.'); return; }
    $('submit').disabled = true;
    try {
      const created = await api.postJson('/api/v1/scans', {
        targets, ports: portsValue($('ports-preset').value, $('custom-ports').value), mode: $('mode').value,
        service_detection: $('service-detection').checked,
      });
      onCreated(created.id);
    } catch (e) {
      showError(e.message);
    } finally {
      $('submit').disabled = false;
    }
  }

  async function scanMyAddress() {
    showError('');
    try {
      const me = await api.json('/api/v1/whoami');
      $('targets').value = me.address;
      await submit(me.address);
    } catch (e) {
      showError(e.message);
    }
  }

  const showCustom = () => { $('custom-ports-label').hidden = $('ports-preset').value !== 'custom'; };
  $('scan-form').addEventListener('submit', (e) => { e.preventDefault(); submit($('targets').value.trim()); });
  $('scan-me').addEventListener('click', scanMyAddress);
  $('ports-preset').addEventListener('change', showCustom);
  showCustom();  // a preset restored by the browser's form memory
}
