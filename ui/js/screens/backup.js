// Settings, backups: the folder (chosen once through the OS folder dialog), how many backups
// are kept, "Back up now" and the last good backup. Today shows the same warning (backupNotice).

import { call } from '../api.js';
import { el, onClick, onSubmit, toast } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';

export async function backupCard(box) {
  const errors = el('div');
  const folder = el('p', { 'data-testid': 'backup-folder' });
  const last = el('p', { class: 'muted small', 'data-testid': 'backup-last' });
  const warning = el('p', { class: 'notice warn', 'data-testid': 'backup-warning', hidden: true });
  const daily = el('input', { id: 'st-keep-daily', name: 'keep_daily', type: 'number', min: 1, max: 366, step: 1 });
  const monthly = el('input', { id: 'st-keep-monthly', name: 'keep_monthly', type: 'number', min: 0, max: 120, step: 1 });
  let settings = await call('backup_settings');

  const paint = async () => {
    settings = await call('backup_settings');
    const status = await call('backup_status');
    folder.textContent = settings.folder ? t('backup.folder_is', { folder: settings.folder }) : t('backup.no_folder');
    last.textContent = settings.last_at ? t('backup.last_at', { date: formatDateTime(settings.last_at) }) : t('backup.never');
    daily.value = settings.keep_daily;
    monthly.value = settings.keep_monthly;
    warning.hidden = !status.warning;
    warning.textContent = status.warning ? warningText(status) : '';
  };
  const save = (chosen) => call('set_backup_settings', {
    folder: chosen, keepDaily: Number(daily.value), keepMonthly: Number(monthly.value),
  });

  const choose = onClick(el('button', {
    type: 'button', class: 'btn', key: 'backup.choose_folder', 'data-testid': 'backup-choose',
  }), errors, async () => {
    const picked = await call('choose_backup_folder');
    if (!picked) return;
    await save(picked);
    await paint();
    toast('toast.saved');
  });
  const keep = el('form', { class: 'form', novalidate: true },
    el('div', { class: 'form-grid' },
      el('div', { class: 'field span-2' }, el('label', { for: 'st-keep-daily', key: 'backup.keep_daily' }), daily),
      el('div', { class: 'field span-2' }, el('label', { for: 'st-keep-monthly', key: 'backup.keep_monthly' }), monthly)),
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn', key: 'common.save' })));
  onSubmit(keep, async () => {
    await save(settings.folder);
    await paint();
    toast('toast.saved');
  });
  const result = el('p', { 'data-testid': 'backup-result' });
  const now = onClick(el('button', {
    type: 'button', class: 'btn primary', key: 'backup.now', 'data-testid': 'backup-now',
  }), errors, async () => {
    result.textContent = '';
    const made = await call('back_up_now');
    const name = made.file.split(/[\\/]/).pop();
    result.textContent = t('backup.made', { file: name, count: made.check.customers });
    await paint();
  });
  box.append(errors, warning, folder, last, el('div', { class: 'actions' }, choose, now), result, keep);
  await paint();
}

function warningText(status) {
  switch (status.warning) {
    case 'not_set_up': return t('backup.warning_not_set_up');
    case 'folder_unreachable': return t('backup.warning_unreachable', { folder: status.folder });
    case 'never': return t('backup.warning_never');
    default: return t('backup.warning_stale', { days: status.days_since });
  }
}

/** The warning line Today shows, or null when backups are fine. */
export async function backupNotice() {
  const status = await call('backup_status');
  if (!status.warning) return null;
  return el('p', { class: 'notice warn', 'data-testid': 'today-backup-warning' },
    warningText(status), ' ', el('a', { href: '#/settings', key: 'backup.open_settings' }));
}
