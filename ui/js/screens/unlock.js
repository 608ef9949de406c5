// Screen 2: unlock with the passphrase, the recovery key or the remembered key; then who is
// at the counter.

import { call } from '../api.js';
import { busy, el, onClick, onSubmit, part, screen } from '../dom.js';
import { languagePicker } from './language-picker.js';
import { takeCounter } from '../pin.js';

export async function show(gate, { status, enterWorkspace }) {
  const fragment = await screen('unlock');
  languagePicker(part(fragment, 'language'));
  const unlockCard = part(fragment, 'unlock-card');
  const whoCard = part(fragment, 'who-card');
  const forms = {
    passphrase: fragment.querySelector('[data-form="passphrase"]'),
    recovery: fragment.querySelector('[data-form="recovery"]'),
  };

  for (const tab of fragment.querySelectorAll('[data-tab]')) {
    tab.addEventListener('click', () => {
      for (const other of unlockCard.querySelectorAll('[data-tab]')) {
        other.setAttribute('aria-selected', String(other === tab));
      }
      for (const [name, form] of Object.entries(forms)) form.hidden = name !== tab.dataset.tab;
      forms[tab.dataset.tab].querySelector('input').focus();
    });
  }

  if (status.demo_passphrase) {
    part(fragment, 'demo').hidden = false;
    part(fragment, 'demo-passphrase').textContent = status.demo_passphrase;
  }

  const unlocked = async () => {
    for (const form of Object.values(forms)) form.reset();
    await chooseStaff(unlockCard, whoCard, enterWorkspace);
  };

  const attempt = (form, command, args, field) => onSubmit(form, async (values) => {
    try {
      await call(command, args(values));
    } catch (error) {
      // Selected, so the next try replaces what was typed.
      setTimeout(() => form.querySelector('input').select());
      throw { ...error, field: error.field || field };
    }
    await unlocked();
  });
  attempt(forms.passphrase, 'unlock_with_passphrase', ({ passphrase }) => ({ passphrase }), 'passphrase');
  attempt(forms.recovery, 'unlock_with_recovery_key', ({ recovery_key: recoveryKey }) => ({ recoveryKey }), 'recovery_key');

  if (status.remembered) {
    part(fragment, 'remembered').hidden = false;
    const button = part(fragment, 'remembered-button');
    onClick(button, forms.passphrase, async () => {
      await call('unlock_remembered');
      await unlocked();
    });
  }

  gate.replaceChildren(fragment);
  gate.hidden = false;
  gate.querySelector('[data-autofocus]').focus();
}

/** After unlocking: one press on a name says who is at the counter. */
async function chooseStaff(unlockCard, whoCard, enterWorkspace) {
  const [staff, actor] = await Promise.all([call('staff'), call('actor')]);
  const active = staff.filter((s) => s.active);
  // One person without a PIN is at the counter already; one with a PIN types it first.
  if (active.length <= 1 && !active.some((s) => s.has_pin)) {
    unlockCard.remove();
    return enterWorkspace();
  }
  const picker = part(whoCard, 'staff');
  picker.replaceChildren(...active.map((member) => el('button', {
    type: 'button',
    class: 'staff-choice',
    'aria-pressed': String(member.id === actor),
    dataset: { staffId: String(member.id) },
    onclick: async (event) => {
      if (await busy(event.currentTarget, () => takeCounter(member))) await enterWorkspace();
    },
  }, el('span', { class: 'who', text: member.name }), el('span', { class: 'muted small', text: member.title }))));
  unlockCard.hidden = true;
  whoCard.hidden = false;
  (picker.querySelector('[aria-pressed="true"]') || picker.querySelector('button')).focus();
}
