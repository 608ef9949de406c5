// Document buttons: every document can be printed or saved. "Print" sends it straight to the
// receipt printer when one is chosen in Settings, else opens it in the PDF viewer.

import { call } from './api.js';
import { busy, clearErrors, el, errorText, showError, toast } from './dom.js';
import { printHow } from './printer.js';

/** The codes of a printer's refusal (`Error::Print` in the core): the PDF can still be saved. */
const PRINT_CODES = ['print_system_missing', 'printer_unknown', 'printer_stopped', 'print_refused'];

/** Runs a document command and tells the user what happened. A printer's refusal is shown in
 * `errorBox` with a "Save as PDF" button that saves the same document instead. */
export async function handOut(command, args, button, errorBox) {
  if (errorBox) {
    clearErrors(errorBox);
    errorBox.querySelectorAll('[data-testid=print-problem]').forEach((old) => old.remove());
  }
  return busy(button, async () => {
    try {
      const result = await call(command, args);
      if (result && result.outcome === 'saved') toast('toast.document_saved', { file: result.file_name });
      if (result && result.outcome === 'opened') toast('toast.document_opened');
      if (result && result.outcome === 'sent') toast('toast.document_sent', { printer: result.printer, job: result.job });
      return result;
    } catch (error) {
      if (errorBox && PRINT_CODES.includes(error.code)) printProblem(errorBox, error, command, args);
      else if (errorBox) showError(errorBox, error);
      else throw error;
      return null;
    }
  });
}

/** What the printer said, with the way out: the same document saved as a PDF. */
export function printProblem(box, error, command, args) {
  const save = el('button', {
    type: 'button', class: 'btn small', key: 'doc.save_as_pdf', 'data-testid': 'print-fallback-save',
    onclick: () => handOut(command, { ...args, how: 'save' }, save, box),
  });
  box.querySelectorAll('[data-testid=print-problem]').forEach((old) => old.remove());
  box.prepend(el('div', { class: 'notice danger', role: 'alert', 'data-testid': 'print-problem' },
    el('p', { text: errorText(error) }), save));
}

/** A printing problem of "Save and print", kept for the intake's screen that opens next. */
let pending = null;

export function keepPrintProblem(intakeId, error, command, args) {
  pending = { intakeId, error, command, args };
}

/** Shows (once) the printing problem kept for `intakeId`, in `box`. */
export function showKeptPrintProblem(intakeId, box) {
  if (!pending || pending.intakeId !== intakeId) return;
  const { error, command, args } = pending;
  pending = null;
  printProblem(box, error, command, args);
}

/** A row with a label and "Print" / "Save…" buttons for one document. */
export function documentRow(labelKey, command, args, { errorBox, testid, saveOnly = false } = {}) {
  const row = el('div', { class: 'doc-row', 'data-testid': testid });
  const print = saveOnly ? null : el('button', {
    type: 'button', class: 'btn small', key: 'doc.print', 'data-testid': 'doc-print',
    onclick: () => handOut(command, { ...args(), how: printHow() }, print, errorBox),
  });
  const save = el('button', {
    type: 'button', class: 'btn small', key: 'doc.save',
    onclick: () => handOut(command, saveOnly ? args() : { ...args(), how: 'save' }, save, errorBox),
  });
  row.append(...[el('span', { class: 'grow', key: labelKey }), print, save].filter(Boolean));
  return row;
}
