// The counter's keyboard, in one place: Enter moves on, Ctrl+Enter saves, and nothing is saved
// by an Enter a barcode scanner sends after a serial number.

import { el } from './dom.js';
import { t } from './i18n.js';

const MAC = /Mac|iPhone|iPad/.test(navigator.platform || '');

/** Whether the platform's save chord is held: Ctrl+Enter, or ⌘+Enter on a Mac. */
export function isSaveChord(event) {
  return event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
}

/** The controls Enter moves between, in document order: what a person types or picks in. */
function fields(form) {
  return [...form.querySelectorAll('input, select, textarea')].filter((node) =>
    node.type !== 'hidden' && !node.disabled && node.getClientRects().length > 0
    // One stop per radio group: the checked one (arrow keys move within it).
    && (node.type !== 'radio' || node.checked));
}

/**
 * Enter in a single-line field or a select moves to the next field (the last one moves to the
 * save button, which a second Enter presses); a textarea keeps Enter for new lines.
 * Ctrl+Enter (⌘+Enter) anywhere in the form saves with `saveButton`. A handler on a field that
 * uses Enter itself (the customer search) calls preventDefault and is left alone.
 */
export function keyboardForm(form, saveButton) {
  saveButton.append(' ', el('kbd', { class: 'kbd', text: t(MAC ? 'keys.save_chord_mac' : 'keys.save_chord') }));
  form.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.isComposing) return;
    if (isSaveChord(event)) {
      event.preventDefault();
      form.requestSubmit(saveButton);
      return;
    }
    const target = event.target;
    if (event.key !== 'Enter' || event.altKey || event.shiftKey || !target.matches('input, select')) return;
    if (['button', 'submit', 'reset', 'file'].includes(target.type)) return;
    event.preventDefault();
    const all = fields(form);
    const next = all[all.indexOf(target) + 1];
    (next || saveButton).focus();
  });
}

/** The app-wide shortcuts, for the "?" overlay; main.js handles them. */
const SHORTCUTS = [
  ['F2', 'keys.new_intake'],
  ['/', 'keys.search'],
  [MAC ? '⌘+K' : 'Ctrl+K', 'keys.search'],
  [MAC ? '⌘+L' : 'Ctrl+L', 'keys.lock'],
  [null, 'keys.save'],
  ['Enter', 'keys.next_field'],
  ['Esc', 'keys.back'],
  ['?', 'keys.help'],
];

/** Opens the list of shortcuts; Esc or the button closes it, and focus returns where it was. */
export function showShortcuts() {
  const back = document.activeElement;
  const rows = SHORTCUTS.map(([chord, key]) => el('tr', {},
    el('td', {}, el('kbd', { class: 'kbd', text: chord || t(MAC ? 'keys.save_chord_mac' : 'keys.save_chord') })),
    el('td', { key })));
  const close = el('button', { type: 'button', class: 'btn', key: 'common.close', 'data-testid': 'shortcuts-close' });
  const dialog = el('dialog', { class: 'shortcuts', 'aria-labelledby': 'shortcuts-title', 'data-testid': 'shortcuts' },
    el('h2', { id: 'shortcuts-title', key: 'keys.title' }),
    el('table', { class: 'table' }, el('tbody', {}, ...rows)),
    el('div', { class: 'form-actions' }, close));
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (back && back.isConnected) back.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}

/**
 * Warns under any passphrase field while Caps Lock is on: a passphrase typed in capitals is
 * wrong, and the unlock refusal alone would not say why.
 */
export function watchCapsLock(root) {
  const check = (event) => {
    const field = event.target;
    if (!(field instanceof HTMLInputElement) || field.type !== 'password' || !event.getModifierState) return;
    // A PIN is digits, which Caps Lock does not change.
    if ('pin' in field.dataset) return;
    const on = event.getModifierState('CapsLock');
    let note = field.nextElementSibling;
    if (!note || !note.classList.contains('caps-warning')) {
      if (!on) return;
      note = el('span', { class: 'hint caps-warning', role: 'status', key: 'common.caps_lock_on', 'data-testid': 'caps-warning' });
      field.after(note);
    }
    note.hidden = !on;
  };
  root.addEventListener('keydown', check, true);
  root.addEventListener('keyup', check, true);
}
