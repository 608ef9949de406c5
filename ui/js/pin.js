// Who is at the counter (issue 14): the PIN prompt, taking the counter, the owner's confirmation
// and the PIN form of Settings → staff. The core checks every PIN; this only asks for it.

import { call } from './api.js';
import { el, onSubmit } from './dom.js';
import { t } from './i18n.js';

let dialogs = 0;

/** A PIN field: digits only (anything else typed is dropped), never autofilled or remembered. */
export function pinInput(props) {
  const input = el('input', {
    type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: '8', minlength: '4',
    pattern: '[0-9]{4,8}', spellcheck: 'false', dataset: { pin: '' }, ...props,
  });
  input.addEventListener('input', () => {
    if (!('pin' in input.dataset)) return;
    const digits = input.value.replace(/[^0-9]/g, '').slice(0, 8);
    if (digits !== input.value) input.value = digits;
  });
  return input;
}

/**
 * Opens a modal dialog (Esc or Cancel closes it, focus returns where it was) holding a form
 * titled `title`. `submit(values)` runs on Enter or the primary button through the one
 * form-submit path; its refusal shows in the dialog, the typed secret is cleared and the dialog
 * stays open for another try. Resolves true when closed after a successful submit, false when
 * cancelled.
 */
export function promptDialog({ testid, title, body, submitKey, submit, extra = [] }) {
  return new Promise((resolve) => {
    const back = document.activeElement;
    const titleId = `${testid}-title-${++dialogs}`;
    const ok = el('button', { type: 'submit', class: 'btn primary', key: submitKey, 'data-testid': `${testid}-ok` });
    const cancel = el('button', { type: 'button', class: 'btn', key: 'common.cancel', 'data-testid': `${testid}-cancel` });
    const form = el('form', { class: 'form', novalidate: true },
      el('h2', { id: titleId, text: title }),
      ...body,
      el('div', { class: 'form-actions' }, ok, ...extra, cancel));
    const dialog = el('dialog', { class: 'prompt', 'aria-labelledby': titleId, 'data-testid': testid }, form);
    let done = false;
    onSubmit(form, async (values, event) => {
      try {
        await submit(values, event);
      } catch (refusal) {
        const inputs = [...form.querySelectorAll('input')];
        for (const input of inputs) input.value = '';
        if (inputs[0]) inputs[0].focus();
        throw refusal;
      }
      done = true;
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (back && back.isConnected) back.focus();
      resolve(done);
    });
    document.body.append(dialog);
    // Asked in the middle of another action: the page waits for the person, not for the core.
    document.body.classList.remove('busy');
    dialog.showModal();
    (form.querySelector('input') || ok).focus();
  });
}

function field(id, labelKey, input, hintKey) {
  return el('div', { class: 'field' },
    el('label', { for: id, key: labelKey }),
    input,
    hintKey ? el('p', { class: 'hint', key: hintKey }) : null);
}

/**
 * Takes the counter as `member`: at once without a PIN, else after their PIN (checked by the
 * core). Resolves true when `member` is at the counter.
 */
export async function takeCounter(member) {
  if (!member.has_pin) {
    try {
      await call('set_actor', { staffId: member.id });
      return true;
    } catch (error) {
      // The list was older than a PIN set meanwhile: ask for it like for anyone with one.
      if (error.code !== 'pin_required') throw error;
    }
  }
  const input = pinInput({ id: 'pin-prompt-input', name: 'pin', 'data-testid': 'pin-prompt-input' });
  return promptDialog({
    testid: 'pin-prompt',
    title: t('pin.take_counter', { name: member.name }),
    body: [field('pin-prompt-input', 'pin.label', input)],
    submitKey: 'pin.take',
    submit: (values) => call('set_actor', { staffId: member.id, pin: values.pin }),
  });
}

let asking = null;

/**
 * Asks for the owner's PIN (or the passphrase) after the core refused an owner-only action;
 * resolves true once the core confirmed the owner. One prompt at a time.
 */
export function confirmOwner() {
  if (!asking) {
    asking = askOwner().finally(() => {
      asking = null;
    });
  }
  return asking;
}

async function askOwner() {
  const [state, staff] = await Promise.all([call('counter_state'), call('staff')]);
  const owner = staff.find((s) => s.id === state.owner_id);
  let passphrase = !state.owner_has_pin;
  const input = pinInput({ id: 'owner-prompt-input', name: 'secret', 'data-testid': 'owner-prompt-input' });
  const label = el('label', { for: input.id });
  const switcher = el('button', { type: 'button', class: 'btn link', 'data-testid': 'owner-use-passphrase' });
  const paint = () => {
    label.textContent = t(passphrase ? 'pin.passphrase_label' : 'pin.owner_label', { name: owner ? owner.name : '' });
    switcher.hidden = passphrase || !state.owner_has_pin;
    switcher.textContent = t('pin.use_passphrase');
    if (passphrase) {
      delete input.dataset.pin;
      input.removeAttribute('maxlength');
      input.removeAttribute('pattern');
      input.removeAttribute('inputmode');
    }
  };
  switcher.addEventListener('click', () => {
    passphrase = true;
    input.value = '';
    paint();
    input.focus();
  });
  paint();
  return promptDialog({
    testid: 'owner-prompt',
    title: t('pin.owner_title'),
    body: [el('p', { class: 'muted small', key: 'pin.owner_intro' }), el('div', { class: 'field' }, label, input), switcher],
    submitKey: 'pin.confirm',
    submit: (values) => call('confirm_owner', { secret: values.secret, passphrase }),
  });
}

/** Settings → staff: set, change or remove `member`'s PIN. Resolves true when it changed. */
export function editPin(member) {
  const old = pinInput({ id: 'pin-old', name: 'old', 'data-testid': 'pin-old' });
  const fresh = pinInput({ id: 'pin-new', name: 'new', 'data-testid': 'pin-new' });
  const body = [el('p', { class: 'muted small', key: 'pin.intro' })];
  if (member.has_pin) body.push(field('pin-old', 'pin.old_label', old, 'pin.old_hint'));
  body.push(field('pin-new', 'pin.new_label', fresh, 'pin.new_hint'));
  const remove = member.has_pin
    ? el('button', { type: 'submit', class: 'btn danger', key: 'pin.remove', 'data-testid': 'pin-remove', name: 'remove' })
    : null;
  return promptDialog({
    testid: 'pin-dialog',
    title: t(member.has_pin ? 'pin.change_title' : 'pin.set_title', { name: member.name }),
    body,
    submitKey: 'pin.save',
    extra: remove ? [remove] : [],
    submit: (values, event) => {
      // Without the current PIN the core asks for the owner instead.
      const current = values.old ? values.old : null;
      if (event.submitter === remove) return call('remove_pin', { staffId: member.id, pin: current });
      return call('set_pin', { staffId: member.id, old: current, new: values.new });
    },
  });
}
