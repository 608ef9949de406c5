// Settings, breach register (GDPR Art. 33–34): record a breach, update it (the notification
// to Datatilsynet / IMY, the people told, what became known later), print its report for the
// authority's form. Every breach is recorded, notified or not. Today shows the countdown.

import { call } from '../api.js';
import { el, fillForm, onSubmit, toast } from '../dom.js';
import { formatDateTime, formatNumber, t } from '../i18n.js';
import { badge, emptyState } from '../table.js';
import { documentRow } from '../documents.js';
import { session } from '../session.js';

let ids = 0;

/** "Datatilsynet" or "IMY": the authority of the shop's jurisdiction. */
export function authority() {
  return t(session.shop?.jurisdiction === 'SE' ? 'breaches.authority_se' : 'breaches.authority_no');
}

/** "Notify Datatilsynet within 5 h", or how long it is overdue (from the core's clock). */
export function countdown(b) {
  const minutes = Math.abs(b.minutes_left ?? 0);
  const left = minutes >= 60
    ? t('breaches.hours', { count: Math.floor(minutes / 60) })
    : t('breaches.minutes', { count: minutes });
  return t(b.state === 'overdue' ? 'breaches.overdue_by' : 'breaches.notify_within', { authority: authority(), left });
}

/** The state as a badge: the countdown while pending, then notified (late or not) or not. */
export function stateBadge(b) {
  if (b.state === 'pending' || b.state === 'overdue') {
    return el('span', { class: `badge ${b.state === 'overdue' ? 'danger' : 'warn'}`, 'data-testid': 'breach-countdown', text: countdown(b) });
  }
  if (b.state === 'notified') return badge(b.notified_late ? 'warn' : 'ok', b.notified_late ? 'breaches.notified_late' : 'breaches.notified');
  return badge('neutral', 'breaches.not_notified');
}

/** `<input type=datetime-local>` value for an RFC 3339 time (local), and back. */
function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : null;
}

/** A count as the core takes it (a whole number, or none); anything else is refused like the
 * core refuses a number out of its range, next to its field. */
function count(value, field) {
  if (value === '' || value === undefined) return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw { code: 'out_of_range', field, params: { min: 0, max: 1000000000 } };
  return n;
}

const TEXTS = ['what', 'cause', 'data_categories', 'people_categories', 'consequences', 'measures_taken',
  'measures_planned', 'late_reason', 'not_notified_reason', 'not_told_reason'];
const TIMES = ['discovered_at', 'started_at', 'ended_at', 'notified_at', 'subjects_told_at'];

/** The form's values as the core's BreachInput. */
function toInput(v) {
  // The discovery time is required; without it there is no deadline to count to.
  if (!v.discovered_at) throw { code: 'required', field: 'discovered_at' };
  const input = {
    ongoing: Boolean(v.ongoing), people_count: count(v.people_count, 'people_count'), records_count: count(v.records_count, 'records_count'),
  };
  for (const name of TEXTS) input[name] = v[name] || '';
  for (const name of TIMES) input[name] = fromLocalInput(v[name]);
  return input;
}

function field(n, name, labelKey, input, span = 'span-3', hintKey = null) {
  input.id = `br-${name}-${n}`;
  input.name = name;
  return el('div', { class: `field ${span}` }, el('label', { for: input.id, key: labelKey }), input,
    hintKey ? el('span', { class: 'hint', key: hintKey }) : null);
}

const area = () => el('textarea', { rows: '2', maxlength: '2000' });
const when = () => el('input', { type: 'datetime-local' });
const number = () => el('input', { type: 'number', min: '0', step: '1' });

/** The form for a new breach (`b` null) or for changing one. */
function breachForm(b, done, onCancel) {
  const n = ++ids;
  const form = el('form', { class: 'form', novalidate: true, 'data-testid': 'breach-form' },
    el('div', { class: 'form-grid' },
      field(n, 'discovered_at', 'breaches.discovered_at', when(), 'span-2', 'breaches.discovered_hint'),
      field(n, 'what', 'breaches.what', area(), 'span-4'),
      field(n, 'cause', 'breaches.cause', area(), 'span-6'),
      field(n, 'started_at', 'breaches.started_at', when(), 'span-2'),
      field(n, 'ended_at', 'breaches.ended_at', when(), 'span-2'),
      el('div', { class: 'field span-2' }, el('label', { class: 'choice' },
        el('input', { type: 'checkbox', name: 'ongoing', 'data-testid': 'breach-ongoing' }), el('span', { key: 'breaches.ongoing' }))),
      field(n, 'data_categories', 'breaches.data_categories', area()),
      field(n, 'people_categories', 'breaches.people_categories', area()),
      field(n, 'people_count', 'breaches.people_count', number()),
      field(n, 'records_count', 'breaches.records_count', number()),
      field(n, 'consequences', 'breaches.consequences', area(), 'span-6'),
      field(n, 'measures_taken', 'breaches.measures_taken', area()),
      field(n, 'measures_planned', 'breaches.measures_planned', area()),
      el('h4', { class: 'span-6', text: t('breaches.authority_heading', { authority: authority() }) }),
      field(n, 'notified_at', 'breaches.notified_at', when(), 'span-2'),
      field(n, 'late_reason', 'breaches.late_reason', area(), 'span-4', 'breaches.late_reason_hint'),
      field(n, 'not_notified_reason', 'breaches.not_notified_reason', area(), 'span-6', 'breaches.not_notified_hint'),
      el('h4', { class: 'span-6', key: 'breaches.subjects_heading' }),
      field(n, 'subjects_told_at', 'breaches.subjects_told_at', when(), 'span-2'),
      field(n, 'not_told_reason', 'breaches.not_told_reason', area(), 'span-4'),
      el('p', { class: 'hint span-6', key: 'breaches.no_numbers' })),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'btn primary small', key: 'common.save', 'data-testid': 'breach-save' }),
      el('button', { type: 'button', class: 'btn ghost small', key: 'common.cancel', onclick: onCancel })));
  const values = {};
  if (b) {
    for (const name of TEXTS) values[name] = b[name];
    for (const name of TIMES) values[name] = toLocalInput(b[name]);
    values.ongoing = b.ongoing;
    values.people_count = b.people_count ?? '';
    values.records_count = b.records_count ?? '';
  } else {
    values.discovered_at = toLocalInput(new Date().toISOString());
  }
  fillForm(form, values);
  return onSubmit(form, async (v) => {
    const input = toInput(v);
    if (b) await call('update_breach', { breachId: b.id, input });
    else await call('add_breach', { input });
    done(b ? 'toast.breach_updated' : 'toast.breach_recorded');
  });
}

function breachItem(b, errors, reload) {
  const slot = el('div');
  const edit = el('button', {
    type: 'button', class: 'btn small', key: 'breaches.edit', 'data-testid': 'breach-edit',
    onclick: () => {
      if (slot.firstChild) slot.replaceChildren();
      else slot.replaceChildren(breachForm(b, reload, () => slot.replaceChildren()));
    },
  });
  const report = documentRow('breaches.report', 'breach_report', () => ({
    breachId: b.id, language: null, fileName: t('file.breach_report', { id: b.id }),
  }), { errorBox: errors, testid: 'doc-breach-report' });
  const numbers = [
    b.people_count !== null ? t('breaches.people_line', { count: b.people_count, n: formatNumber(b.people_count) }) : null,
    b.records_count !== null ? t('breaches.records_line', { count: b.records_count, n: formatNumber(b.records_count) }) : null,
  ].filter(Boolean).join(' · ');
  return el('div', { class: 'request-item', 'data-testid': 'breach-item', 'data-breach': String(b.id), 'data-state': b.state },
    el('div', {}, el('strong', { text: t('breaches.number', { id: b.id }) }), ' ', stateBadge(b)),
    el('div', { class: 'muted small', text: t('breaches.discovered_line', { time: formatDateTime(b.discovered_at) }) }),
    el('div', { text: b.what }),
    numbers ? el('div', { class: 'muted small', text: numbers }) : null,
    b.notified_at ? el('div', { class: 'muted small', text: t('breaches.notified_line', { authority: authority(), time: formatDateTime(b.notified_at) }) }) : null,
    el('div', { class: 'actions' }, edit), slot, report);
}

/** The breach register card of Settings. */
export async function breachesCard(box) {
  const errors = el('div');
  const list = el('div', { class: 'stack', 'data-testid': 'breach-list' });
  const formSlot = el('div');
  const paint = async (toastKey) => {
    formSlot.replaceChildren();
    const all = await call('breaches');
    list.replaceChildren(...(all.length ? all.map((b) => breachItem(b, errors, paint)) : [emptyState('breaches.none')]));
    if (typeof toastKey === 'string') toast(toastKey);
  };
  const add = el('button', {
    type: 'button', class: 'btn', key: 'breaches.add', 'data-testid': 'breach-add',
    onclick: () => {
      if (formSlot.firstChild) formSlot.replaceChildren();
      else formSlot.replaceChildren(breachForm(null, paint, () => formSlot.replaceChildren()));
    },
  });
  box.append(errors, el('div', { class: 'actions' }, add), formSlot, list);
  await paint();
}
