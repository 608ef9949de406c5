// The receipt paper choice, remembered on this computer (it follows the printer, not the customer).

import { el } from './dom.js';
import { t } from './i18n.js';

const KEY = 'skranke.receipt-paper';
export const PAPERS = ['roll80', 'a4'];

export function paperSelect() {
  const select = el('select', { 'aria-label': t('doc.paper'), 'data-testid': 'paper' },
    PAPERS.map((p) => el('option', { value: p, key: 'paper.' + p })));
  select.value = PAPERS.includes(localStorage.getItem(KEY)) ? localStorage.getItem(KEY) : 'roll80';
  select.addEventListener('change', () => localStorage.setItem(KEY, select.value));
  return select;
}
