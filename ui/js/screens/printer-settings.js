// Settings, receipt printer: one of this computer's printers (CUPS, the Windows spooler) and the
// paper in it. "Save and print" and "Print" then send documents straight to it, with no viewer.

import { call } from '../api.js';
import { el, onClick, onSubmit, showError, toast } from '../dom.js';
import { t } from '../i18n.js';
import { PAPERS } from '../paper.js';
import { printerPaper, receiptPrinter, setReceiptPrinter } from '../printer.js';

export async function receiptPrinterCard(box) {
  const printer = el('select', { id: 'st-receipt-printer', name: 'printer', 'data-testid': 'receipt-printer' });
  const paper = el('select', { id: 'st-receipt-paper', name: 'paper', 'data-testid': 'receipt-printer-paper' },
    PAPERS.map((p) => el('option', { value: p, key: 'paper.' + p })));
  const form = el('form', { class: 'form', novalidate: true },
    el('div', { class: 'form-grid' },
      el('div', { class: 'field span-4' }, el('label', { for: 'st-receipt-printer', key: 'printer.label' }), printer),
      el('div', { class: 'field span-2' }, el('label', { for: 'st-receipt-paper', key: 'doc.paper' }), paper)),
    el('p', { class: 'hint', key: 'printer.hint' }),
    el('div', { class: 'form-actions' },
      el('button', { type: 'button', class: 'btn', key: 'printer.refresh', 'data-testid': 'receipt-printer-refresh' }),
      el('button', { type: 'submit', class: 'btn primary', key: 'common.save', 'data-testid': 'receipt-printer-save' })));

  const list = async () => {
    let found = [];
    try {
      found = await call('printers');
    } catch (error) {
      // No printing system: the list is empty and the form says why.
      showError(form, error);
    }
    // The printer chosen earlier stays a choice even when the system does not list it now,
    // so the setting is not lost silently; printing to it reports the problem.
    const chosen = receiptPrinter();
    const names = found.map((p) => p.name);
    printer.replaceChildren(
      el('option', { value: '', key: 'printer.none' }),
      ...found.map((p) => el('option', {
        value: p.name, text: p.stopped ? t('printer.stopped', { printer: p.name }) : p.name,
      })),
      ...(chosen && !names.includes(chosen) ? [el('option', { value: chosen, text: t('printer.missing', { printer: chosen }) })] : []));
    printer.value = chosen;
    paper.value = printerPaper(printer.value);
    paper.disabled = !printer.value;
  };
  printer.addEventListener('change', () => {
    paper.value = printerPaper(printer.value);
    paper.disabled = !printer.value;
  });
  onClick(form.querySelector('[data-testid=receipt-printer-refresh]'), form, list);
  onSubmit(form, async (values) => {
    setReceiptPrinter(values.printer, paper.value);
    if (values.printer) toast('toast.receipt_printer_set', { printer: values.printer, paper: t('paper.' + paper.value) });
    else toast('toast.receipt_printer_none');
  });
  box.append(form);
  await list();
}
