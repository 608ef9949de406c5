// The receipt paper choice, remembered on this computer (it follows the printer, not the customer).

import { el } from './dom.js';
import { t } from './i18n.js';
import { printerPaper, receiptPrinter } from './printer.js';

const KEY = 'skranke.receipt-paper';
export const PAPERS = ['roll80', 'a4'];

export function paperSelect() {
  const select = el('select', { 'aria-label': t('doc.paper'), 'data-testid': 'paper' },
    PAPERS.map((p) => el('option', { value: p, key: 'paper.' + p })));
  // With a receipt printer chosen, the paper in it (Settings); else the last one picked here.
  const last = PAPERS.includes(localStorage.getItem(KEY)) ? localStorage.getItem(KEY) : 'roll80';
  select.value = receiptPrinter() ? printerPaper(receiptPrinter()) : last;
  select.addEventListener('change', () => localStorage.setItem(KEY, select.value));
  return select;
}
