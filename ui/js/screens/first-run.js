// Screen 1: first run. Shop, staff, passphrase, then the recovery key shown once; or
// "Restore from a backup": the backup file (OS file dialog), the passphrase or recovery key of
// its time, a new passphrase, then the new recovery key shown once the same way.

import { call } from '../api.js';
import { LANGUAGES, currentLanguage, formatDateTime, setLanguage, t } from '../i18n.js';
import { busy, clearErrors, el, fillOptions, onClick, onSubmit, part, readForm, screen, showError } from '../dom.js';
import { languagePicker } from './language-picker.js';
import { strength } from './passphrase.js';
import { documentRow } from '../documents.js';

const STEPS = ['shop', 'staff', 'passphrase', 'recovery'];
/** Which step holds the input a core error names. */
const STEP_OF_FIELD = {
  staff_name: 'staff',
  staff_title: 'staff',
  passphrase: 'passphrase',
  passphrase_repeat: 'passphrase',
};

export async function show(gate, { status, enterWorkspace }) {
  const fragment = await screen('first-run');
  const form = part(fragment, 'form');
  languagePicker(part(fragment, 'language'));
  const shopLanguage = form.querySelector('[name="language"]');
  fillOptions(shopLanguage, LANGUAGES, 'lang.');
  shopLanguage.value = currentLanguage();
  shopLanguage.addEventListener('change', () => setLanguage(shopLanguage.value, { remember: true }));
  // Foretaksregisteret is Norwegian: the choice is offered to Norwegian shops only.
  const register = part(fragment, 'foretaksregisteret-field');
  const syncRegister = () => { register.hidden = readForm(form).jurisdiction !== 'NO'; };
  form.addEventListener('change', syncRegister);
  syncRegister();

  // "Remember on this computer" only where the OS has a credential store to remember in.
  part(fragment, 'remember').hidden = !status.keystore;

  const rows = part(fragment, 'staff-rows');
  const addRow = (focus) => {
    const index = rows.children.length;
    const row = el('div', { class: 'staff-row' },
      el('div', { class: 'field' },
        el('label', { for: `fr-staff-${index}`, key: 'staff.name' }),
        el('input', { id: `fr-staff-${index}`, name: 'staff_name', type: 'text', maxlength: '80' })),
      el('div', { class: 'field' },
        el('label', { for: `fr-title-${index}`, key: 'staff.title' }),
        el('input', { id: `fr-title-${index}`, name: 'staff_title', type: 'text', maxlength: '80' })),
      el('button', {
        type: 'button', class: 'btn ghost', key: 'common.remove',
        onclick: () => { if (rows.children.length > 1) row.remove(); },
      }));
    rows.append(row);
    if (focus) row.querySelector('input').focus();
  };
  addRow(false);
  part(fragment, 'add-staff').addEventListener('click', () => addRow(true));

  const pass = form.querySelector('[name="passphrase"]');
  strengthMeter(pass, part(fragment, 'strength'), part(fragment, 'strength-text'));

  const next = part(fragment, 'next');
  const back = part(fragment, 'back');
  const written = part(fragment, 'written-down');
  let step = 'shop';
  let created = false;

  const go = (name) => {
    step = name;
    for (const panel of form.querySelectorAll('[data-panel]')) panel.hidden = panel.dataset.panel !== name;
    const at = STEPS.indexOf(name);
    for (const item of form.querySelectorAll('[data-step]')) {
      const index = STEPS.indexOf(item.dataset.step);
      item.classList.toggle('done', index < at);
      if (index === at) item.setAttribute('aria-current', 'step');
      else item.removeAttribute('aria-current');
    }
    back.hidden = at === 0 || created;
    next.dataset.i18n = { shop: 'common.next', staff: 'common.next', passphrase: 'firstrun.create', recovery: 'firstrun.finish' }[name];
    next.textContent = t(next.dataset.i18n);
    next.disabled = name === 'recovery' && !written.checked;
    const first = form.querySelector(`[data-panel="${name}"] input, [data-panel="${name}"] select`);
    if (first) first.focus();
  };
  written.addEventListener('change', () => { next.disabled = !written.checked; });
  back.addEventListener('click', () => go(STEPS[Math.max(0, STEPS.indexOf(step) - 1)]));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (step === 'shop') return go('staff');
    if (step === 'staff') return go('passphrase');
    if (step === 'recovery') {
      part(form, 'recovery-key').textContent = '';
      await call('forget_recovery_key');
      return enterWorkspace();
    }
    const values = readForm(form);
    if (values.passphrase !== values.passphrase_repeat) {
      return showError(form, { code: 'passphrase_mismatch', field: 'passphrase_repeat' });
    }
    const staff = [...rows.querySelectorAll('.staff-row')]
      .map((row) => ({
        name: row.querySelector('[name="staff_name"]').value,
        title: row.querySelector('[name="staff_title"]').value,
      }))
      .filter((s, i) => i === 0 || s.name.trim() || s.title.trim());
    const setup = {
      shop: {
        name: values.name,
        org_number: values.org_number,
        street: values.street,
        postcode: values.postcode,
        city: values.city,
        phone: values.phone,
        email: values.email,
        jurisdiction: values.jurisdiction,
        language: values.language,
        foretaksregisteret: values.jurisdiction === 'NO' && values.foretaksregisteret,
      },
      staff,
    };
    await busy(next, async () => {
      try {
        const recoveryKey = await call('create_vault', { setup, passphrase: values.passphrase });
        pass.value = '';
        form.querySelector('[name="passphrase_repeat"]').value = '';
        if (values.remember) await remember(part(form, 'remember-result'));
        showRecovery(recoveryKey);
      } catch (error) {
        go(STEP_OF_FIELD[error.field] || (error.field ? 'shop' : step));
        showError(form, error);
      }
    });
    next.disabled = step === 'recovery' && !written.checked;
  });

  /** The recovery key just made (a new register or a restore), shown once with its sheet. */
  const showRecovery = (recoveryKey) => {
    created = true;
    part(form, 'recovery-key').textContent = recoveryKey;
    const sheet = part(form, 'recovery-sheet');
    sheet.replaceChildren(documentRow('doc.recovery_sheet', 'recovery_sheet', () => ({
      fileName: t('file.recovery_sheet'),
    }), { errorBox: sheet, testid: 'doc-recovery-sheet', saveOnly: true }));
    go('recovery');
  };

  restoreFlow(fragment, {
    open: () => { form.hidden = true; },
    cancel: () => { form.hidden = false; go('shop'); },
    restored: (result) => {
      form.hidden = false;
      part(form, 'stepper').hidden = true;
      part(form, 'restore-offer').hidden = true;
      const summary = part(form, 'restore-summary');
      const report = result.report;
      summary.textContent = t('restore.done', {
        date: formatDateTime(report.backup.created_at),
        erased: report.erasures_reapplied.length + report.erased_by_sweep.length,
        quarantined: report.quarantines_reapplied.length,
        withdrawn: report.withdrawals_reapplied.length,
      });
      summary.hidden = false;
      showRecovery(result.recovery_key);
    },
  });

  gate.replaceChildren(fragment);
  gate.hidden = false;
  go('shop');
}

/** The strength meter under a new passphrase. */
function strengthMeter(input, meter, text) {
  input.addEventListener('input', () => {
    const level = strength(input.value);
    meter.dataset.level = String(level);
    text.dataset.i18n = `strength.${level}`;
    text.textContent = t(text.dataset.i18n);
  });
}

/** "Restore from a backup": its own form; the recovery step is first run's. */
function restoreFlow(fragment, { open, cancel, restored }) {
  const restoreForm = part(fragment, 'restore-form');
  const fileInput = restoreForm.querySelector('[name="backup_file"]');
  const fileLabel = part(restoreForm, 'restore-file');
  const oldLabel = part(restoreForm, 'old-secret-label');
  const choose = part(restoreForm, 'restore-choose');
  strengthMeter(restoreForm.querySelector('[name="passphrase"]'),
    part(restoreForm, 'restore-strength'), part(restoreForm, 'restore-strength-text'));
  const clearSecrets = () => {
    for (const name of ['old_secret', 'passphrase', 'passphrase_repeat']) {
      restoreForm.querySelector(`[name="${name}"]`).value = '';
    }
  };

  part(fragment, 'restore-start').addEventListener('click', () => {
    open();
    restoreForm.hidden = false;
    choose.focus();
  });
  part(restoreForm, 'restore-cancel').addEventListener('click', () => {
    clearErrors(restoreForm);
    clearSecrets();
    restoreForm.hidden = true;
    cancel();
  });
  restoreForm.addEventListener('change', () => {
    const kind = readForm(restoreForm).secret_kind;
    oldLabel.dataset.i18n = kind === 'recovery_key' ? 'restore.old_recovery_key' : 'restore.old_passphrase';
    oldLabel.textContent = t(oldLabel.dataset.i18n);
  });
  onClick(choose, restoreForm, async () => {
    const picked = await call('choose_backup_file', { filterName: t('restore.file_filter') });
    if (!picked) return;
    fileInput.value = picked;
    delete fileLabel.dataset.i18n;
    fileLabel.textContent = picked.split(/[\\/]/).pop();
    fileLabel.title = picked;
    restoreForm.querySelector('[name="old_secret"]').focus();
  });

  onSubmit(restoreForm, async (values) => {
    if (!values.backup_file) throw { code: 'restore_no_file' };
    if (!values.old_secret) throw { code: 'required', field: 'old_secret' };
    if (values.passphrase !== values.passphrase_repeat) throw { code: 'passphrase_mismatch', field: 'passphrase_repeat' };
    let result;
    try {
      result = await call('restore_backup', {
        file: values.backup_file,
        secret: values.old_secret,
        recoveryKey: values.secret_kind === 'recovery_key',
        newPassphrase: values.passphrase,
      });
    } catch (error) {
      throw restoreError(error);
    }
    clearSecrets();
    restoreForm.hidden = true;
    restored(result);
  });
}

/** Where a failed restore's reason belongs on the restore form. */
function restoreError(error) {
  switch (error.code) {
    case 'wrong_passphrase':
    case 'wrong_recovery_key':
    case 'recovery_key_typo':
      return { ...error, field: 'old_secret' };
    case 'damaged':
    case 'log_rolled_back':
    case 'key_file_tampered':
      // The backup file, not a register on this computer: "restore from a backup" would not help.
      return { ...error, code: 'backup_damaged' };
    default:
      return error;
  }
}

/** "Remember on this computer": optional; where the OS has no credential store, say so. */
async function remember(notice) {
  try {
    await call('remember_on_this_computer');
    notice.dataset.i18n = 'firstrun.remembered';
  } catch (error) {
    notice.dataset.i18n = error.code === 'keystore_unavailable' ? 'firstrun.remember_unavailable' : 'firstrun.remember_failed';
  }
  notice.textContent = t(notice.dataset.i18n);
  notice.hidden = false;
}
