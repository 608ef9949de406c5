// Document buttons: every document can be printed (opened in the PDF viewer) or saved.

import { call } from './api.js';
import { busy, clearErrors, el, showError, toast } from './dom.js';

/** Runs a document command and tells the user what happened. */
export async function handOut(command, args, button, errorBox) {
  if (errorBox) clearErrors(errorBox);
  return busy(button, async () => {
    try {
      const result = await call(command, args);
      if (result && result.outcome === 'saved') toast('toast.document_saved', { file: result.file_name });
      if (result && result.outcome === 'opened') toast('toast.document_opened');
      return result;
    } catch (error) {
      if (errorBox) showError(errorBox, error);
      else throw error;
      return null;
    }
  });
}

/** A row with a label and "Print" / "Save…" buttons for one document. */
export function documentRow(labelKey, command, args, { errorBox, testid, saveOnly = false } = {}) {
  const row = el('div', { class: 'doc-row', 'data-testid': testid });
  const print = saveOnly ? null : el('button', {
    type: 'button', class: 'btn small', key: 'doc.print',
    onclick: () => handOut(command, { ...args(), how: 'print' }, print, errorBox),
  });
  const save = el('button', {
    type: 'button', class: 'btn small', key: 'doc.save',
    onclick: () => handOut(command, saveOnly ? args() : { ...args(), how: 'save' }, save, errorBox),
  });
  row.append(...[el('span', { class: 'grow', key: labelKey }), print, save].filter(Boolean));
  return row;
}
