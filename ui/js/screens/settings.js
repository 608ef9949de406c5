// Screen 8: language, shop profile, policy, staff and security.

import { call } from '../api.js';
import { el, errorText, fillForm, fillOptions, onClick, onSubmit, part, screen, showError, toast } from '../dom.js';
import { LANGUAGES, currentLanguage, setLanguage, t } from '../i18n.js';
import { session } from '../session.js';
import { badge, dataTable } from '../table.js';
import { documentRow } from '../documents.js';
import { DIN_CLASSES, PHYSICAL_METHODS } from '../vocab.js';
import { privacyCard } from './privacy.js';
import { backupCard } from './backup.js';
import { breachesCard } from './breaches.js';
import { activitiesForm, complianceDocuments, recipientsCard } from './recipients.js';
import { receiptPrinterCard } from './printer-settings.js';
import { editPin } from '../pin.js';

export async function render(page, params, { refreshChrome, setAutoLockMinutes }) {
  const [fragment, shop, settings, staff, status, dinLevels, updates] = await Promise.all([
    screen('settings'), call('shop'), call('settings'), call('staff'), call('app_status'), call('din_level_settings'),
    call('update_status'),
  ]);

  const uiLanguage = part(fragment, 'ui-language');
  fillOptions(uiLanguage, LANGUAGES, 'lang.');
  uiLanguage.value = currentLanguage();
  uiLanguage.addEventListener('change', () => setLanguage(uiLanguage.value, { remember: true }));

  const shopForm = part(fragment, 'shop-form');
  fillOptions(shopForm.elements.jurisdiction, ['NO', 'SE'], 'jurisdiction.');
  fillOptions(shopForm.elements.language, LANGUAGES, 'lang.');
  fillForm(shopForm, shop);
  const syncRegister = () => {
    part(shopForm, 'foretaksregisteret-field').hidden = shopForm.elements.jurisdiction.value !== 'NO';
  };
  shopForm.elements.jurisdiction.addEventListener('change', syncRegister);
  syncRegister();
  onSave(shopForm, async (values) => {
    session.shop = await call('update_shop', { profile: values });
    fillForm(shopForm, session.shop);
    refreshChrome();
  });

  const policy = part(fragment, 'policy-form');
  fillForm(policy, settings);
  part(fragment, 'retention-hint').textContent = t('settings.range_hint', { min: 14, max: 28 });
  part(fragment, 'holding-hint').textContent = t('settings.range_hint', { min: 14, max: 28 });
  part(fragment, 'order-slip-hint').textContent =
    t(session.shop?.jurisdiction === 'SE' ? 'settings.order_slip_hint_se' : 'settings.order_slip_hint');
  onSave(policy, async (values) => {
    // An empty order-slip period means the accounting act's own.
    const input = Object.fromEntries(Object.entries(values).map(([k, v]) =>
      [k, k === 'order_slip_months' && v === '' ? null : Number(v)]));
    session.settings = await call('update_settings', { settings: input });
    setAutoLockMinutes(session.settings.auto_lock_minutes);
  });

  part(fragment, 'din-levels').replaceChildren(dinLevelTable(dinLevels));
  privacyCard(part(fragment, 'privacy'));
  recipientsCard(part(fragment, 'recipients'));
  complianceDocuments(part(fragment, 'compliance'));
  activitiesForm(part(fragment, 'compliance'));
  backupCard(part(fragment, 'backup'));
  const breaches = breachesCard(part(fragment, 'breaches'));
  receiptPrinterCard(part(fragment, 'receipt-printer'));

  const staffBody = part(fragment, 'staff');
  const paintStaff = (list) => {
    session.staff = list;
    staffBody.replaceChildren(dataTable([
      { key: 'staff.name' }, { key: 'staff.title' }, { key: 'staff.state' }, { key: 'staff.pin' },
      { key: 'today.col_action', class: 'row-actions' },
    ], list.map((member) => {
      const toggle = onClick(el('button', {
        type: 'button', class: 'btn small', key: member.active ? 'settings.deactivate' : 'settings.activate',
      }), staffBody, async () => {
        await call('update_staff', { id: member.id, input: { name: member.name, title: member.title }, active: !member.active });
        paintStaff(await call('staff'));
        refreshChrome();
      });
      const pin = onClick(el('button', {
        type: 'button', class: 'btn small', key: 'pin.button', 'data-testid': `pin-button-${member.id}`,
      }), staffBody, async () => {
        if (!await editPin(member)) return;
        paintStaff(await call('staff'));
        refreshChrome();
        toast('toast.saved');
      });
      const pinState = member.has_pin ? badge('ok', 'staff.has_pin') : badge('neutral', 'staff.no_pin');
      pinState.setAttribute('data-testid', `pin-state-${member.id}`);
      return el('tr', {},
        el('td', { text: member.name }),
        el('td', { text: member.title }),
        el('td', {}, member.active ? badge('ok', 'staff.active') : badge('neutral', 'staff.inactive')),
        el('td', {}, pinState),
        el('td', { class: 'row-actions' }, pin, toggle));
    })));
  };
  paintStaff(staff);
  const staffForm = part(fragment, 'staff-form');
  onSave(staffForm, async (values) => {
    await call('add_staff', { input: { name: values.staff_name, title: values.staff_title } });
    staffForm.reset();
    paintStaff(await call('staff'));
    refreshChrome();
  });

  // After any change of keys: the backups made before it still open with the old secrets.
  const oldBackups = part(fragment, 'old-backups');
  // The change itself succeeded: a backup folder that cannot be read is said in the notice.
  const showOldBackups = async () => {
    const files = part(oldBackups, 'old-backup-files');
    try {
      const old = await call('backups_from_before_key_change');
      files.replaceChildren(...old.map((b) => el('li', { text: b.name })));
      oldBackups.hidden = old.length === 0;
    } catch (error) {
      files.replaceChildren(el('li', { text: errorText(error) }));
      oldBackups.hidden = false;
    }
  };

  const passForm = part(fragment, 'passphrase-form');
  onSave(passForm, async (values) => {
    if (values.passphrase !== values.passphrase_repeat) {
      throw { code: 'passphrase_mismatch', field: 'passphrase_repeat' };
    }
    try {
      await call('change_passphrase', { old: values.old, new: values.passphrase, revokeOld: passForm.elements.revoke_old.checked });
    } catch (error) {
      throw error.code === 'wrong_passphrase' ? { ...error, field: 'old' } : error;
    } finally {
      passForm.reset();
    }
    await showOldBackups();
  }, 'toast.passphrase_changed');

  const rotateForm = part(fragment, 'rotate-form');
  onSave(rotateForm, async () => {
    const passphrase = rotateForm.elements.passphrase.value;
    rotateForm.elements.passphrase.value = '';
    try {
      await call('rotate_data_key', { passphrase });
    } catch (error) {
      throw error.code === 'wrong_passphrase' ? { ...error, field: 'passphrase' } : error;
    }
    await showOldBackups();
  }, 'toast.data_key_rotated');

  const recoveryForm = part(fragment, 'recovery-form');
  const newRecovery = part(fragment, 'new-recovery');
  const closeRecovery = async () => {
    part(recoveryForm, 'new-recovery-key').textContent = '';
    newRecovery.hidden = true;
    await call('forget_recovery_key');
  };
  part(fragment, 'recovery-done').addEventListener('click', closeRecovery);
  onSave(recoveryForm, async () => {
    const passphrase = recoveryForm.elements.passphrase.value;
    recoveryForm.elements.passphrase.value = '';
    try {
      const key = await call('replace_recovery_key', { passphrase });
      part(recoveryForm, 'new-recovery-key').textContent = key;
      const sheet = part(recoveryForm, 'new-recovery-sheet');
      sheet.replaceChildren(documentRow('doc.recovery_sheet', 'recovery_sheet', () => ({
        fileName: t('file.recovery_sheet'),
      }), { errorBox: sheet, saveOnly: true }));
      newRecovery.hidden = false;
    } catch (error) {
      throw error.code === 'wrong_passphrase' ? { ...error, field: 'passphrase' } : error;
    }
    await showOldBackups();
  });

  const rememberState = part(fragment, 'remember-state');
  const paintRemember = (remembered) => {
    rememberState.replaceChildren(remembered ? badge('ok', 'settings.remembered_yes') : badge('neutral', 'settings.remembered_no'));
    part(page, 'remember').hidden = remembered;
    part(page, 'forget-form').hidden = !remembered;
  };
  const rememberButton = part(fragment, 'remember');
  onClick(rememberButton, rememberState.parentElement, async () => {
    await call('remember_on_this_computer');
    paintRemember((await call('app_status')).remembered);
  });
  // Forgetting rotates the data key (a copied remembered key must open nothing), which
  // needs the passphrase to wrap the new key.
  const forgetForm = part(fragment, 'forget-form');
  onSave(forgetForm, async () => {
    const passphrase = forgetForm.elements.passphrase.value;
    forgetForm.elements.passphrase.value = '';
    try {
      await call('forget_on_this_computer', { passphrase });
    } catch (error) {
      throw error.code === 'wrong_passphrase' ? { ...error, field: 'passphrase' } : error;
    }
    paintRemember((await call('app_status')).remembered);
    await showOldBackups();
  }, 'toast.forgotten');

  about(fragment, updates);

  page.append(fragment);
  // Today's "Open the breach register" lands on the card.
  if (params?.query?.get('focus') === 'breaches') {
    breaches.then(() => page.querySelector('#settings-breaches').scrollIntoView({ block: 'start' }));
  }
  paintRemember(status.remembered);
  if (!status.keystore && !status.remembered) {
    part(page, 'no-keystore').hidden = false;
    part(page, 'remember-actions').hidden = true;
  }
}

/** Settings → About: version and build, and the shop's choice about update checks. */
function about(fragment, updates) {
  part(fragment, 'about-version').textContent = t('settings.about_version_value', { version: updates.version, build: updates.build });
  const box = part(fragment, 'updates');
  if (!updates.configured) {
    part(fragment, 'updates-unconfigured').hidden = false;
    box.hidden = true;
    return;
  }
  const enabled = part(fragment, 'updates-enabled');
  const state = part(fragment, 'updates-state');
  const install = part(fragment, 'updates-install');
  const checkButton = part(fragment, 'updates-check');
  const paint = (available) => {
    state.textContent = available ? t('settings.updates_available', { version: available.version }) : '';
    install.hidden = !available;
  };
  enabled.checked = updates.enabled;
  paint(updates.available);
  enabled.addEventListener('change', async () => {
    try {
      const now = await call('set_update_check', { enabled: enabled.checked });
      enabled.checked = now.enabled;
      toast('toast.saved');
    } catch (error) {
      enabled.checked = !enabled.checked;
      showError(box, error);
    }
  });
  onClick(checkButton, box, async () => {
    const available = await call('check_for_update');
    paint(available);
    if (!available) state.textContent = t('settings.updates_none');
  });
  onClick(install, box, () => call('install_update'));
}

/**
 * The DIN 66399 level the shop's own equipment reaches, per physical method and material class.
 * A certificate offers this level and refuses a higher one; "—" means the shop has no such machine.
 */
function dinLevelTable(levels) {
  const reach = new Map(levels.map((s) => [`${s.method}/${s.din_class}`, s.level]));
  return dataTable([{ key: 'destruction.din_class' }, ...PHYSICAL_METHODS.map((m) => ({ key: 'method.' + m }))],
    DIN_CLASSES.map((cls) => el('tr', {},
      el('td', { text: `${cls} – ${t('din.' + cls)}` }),
      ...PHYSICAL_METHODS.map((method) => {
        const select = el('select', { 'aria-label': `${t('method.' + method)} ${cls}`, 'data-testid': `din-${method}-${cls}` },
          el('option', { value: '', text: '—' }),
          ...[1, 2, 3, 4, 5, 6, 7].map((n) => el('option', { value: String(n), text: `${cls}-${n}` })));
        select.value = String(reach.get(`${method}/${cls}`) || '');
        select.addEventListener('change', async () => {
          try {
            await call('set_din_level', { method, dinClass: cls, level: select.value ? Number(select.value) : null });
            toast('toast.saved');
          } catch (error) {
            showError(select.closest('.card-body'), error);
          }
        });
        return el('td', {}, select);
      }))));
}

/** Submits a settings form: errors next to their field, a toast when saved. */
function onSave(form, action, toastKey = 'toast.saved') {
  onSubmit(form, async (values) => {
    await action(values);
    toast(toastKey);
  });
}
