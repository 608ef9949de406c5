// Tables and the small pieces rows are made of.

import { el } from './dom.js';
import { t } from './i18n.js';
import { STATUS_TONE } from './vocab.js';

/** A table with translated headers. `columns`: [{ key, class }]. */
export function dataTable(columns, rows, { testid } = {}) {
  return el('table', { class: 'table', 'data-testid': testid },
    el('thead', {}, el('tr', {}, columns.map((c) => el('th', { class: c.class, key: c.key, scope: 'col' })))),
    el('tbody', {}, rows));
}

export function emptyState(key) {
  return el('p', { class: 'empty', key });
}

export function statusBadge(status) {
  return el('span', { class: `badge ${STATUS_TONE[status] || 'neutral'}`, key: 'status.' + status, 'data-status': status });
}

export function badge(tone, key, params) {
  const node = el('span', { class: `badge ${tone}` });
  node.textContent = t(key, params);
  return node;
}

export function link(href, text) {
  return el('a', { href, text });
}

/** "Dell Latitude 5420 (laptop)": the device as staff recognise it. */
export function deviceLabel(item) {
  const name = [item.make, item.model].filter(Boolean).join(' ');
  const type = t('device.' + item.device_type);
  return name ? `${name} · ${type}` : type;
}
