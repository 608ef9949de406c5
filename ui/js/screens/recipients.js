// Recipients and processors (Settings), the documents made from the shop's settings (record of
// processing, privacy statement), and the customer screen's disclosures: what went to whom.

import { call } from '../api.js';
import { el, fillForm, onClick, onSubmit, toast } from '../dom.js';
import { formatDate, t } from '../i18n.js';
import { badge, dataTable, emptyState } from '../table.js';
import { documentRow } from '../documents.js';
import { ACTIVITIES, ACTIVITY_FIELDS, DATA_CATEGORIES, RECIPIENT_ROLES } from '../vocab.js';
import { field, isoToday, selectOf } from './requests.js';

const PROCESSORS = ['accountant', 'accounting_software'];

/** Settings: the list (edit, deactivate) and the form that adds or changes a recipient. */
export async function recipientsCard(box) {
  const list = el('div', { 'data-testid': 'recipients' });
  let editing = null;
  const form = el('form', { class: 'form', novalidate: true, 'data-testid': 'recipient-form' },
    el('h3', { key: 'recipients.add_title', 'data-part': 'form-title' }),
    el('div', { class: 'form-grid' },
      field('rc-role', 'recipients.role', selectOf('rc-role', 'role', RECIPIENT_ROLES, 'recipient_role.'), 'span-2'),
      field('rc-name', 'recipients.name', el('input', { id: 'rc-name', name: 'name', type: 'text', maxlength: '120', 'data-testid': 'recipient-name' }), 'span-4'),
      field('rc-contact', 'recipients.contact', el('input', { id: 'rc-contact', name: 'contact', type: 'text', maxlength: '500' }), 'span-6'),
      field('rc-purpose', 'recipients.purpose', el('textarea', { id: 'rc-purpose', name: 'purpose', rows: '2', maxlength: '500' }), 'span-3'),
      field('rc-basis', 'recipients.legal_basis', el('textarea', { id: 'rc-basis', name: 'legal_basis', rows: '2', maxlength: '500' }), 'span-3'),
      field('rc-agreement', 'recipients.agreement_on', el('input', { id: 'rc-agreement', name: 'agreement_on', type: 'date' }), 'span-2'),
      el('p', { class: 'hint span-6', 'data-part': 'role-hint' })),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'btn primary', key: 'recipients.save', 'data-testid': 'recipient-save' }),
      el('button', { type: 'button', class: 'btn ghost', key: 'common.cancel', hidden: true, 'data-part': 'cancel' })));
  const role = form.elements.role;
  const hint = form.querySelector('[data-part=role-hint]');
  const cancel = form.querySelector('[data-part=cancel]');
  const syncRole = () => {
    hint.textContent = t('recipients.hint.' + role.value);
    form.elements.agreement_on.closest('.field').hidden = !PROCESSORS.includes(role.value);
  };
  role.addEventListener('change', syncRole);
  const reset = () => {
    editing = null;
    form.reset();
    form.querySelector('[data-part=form-title]').textContent = t('recipients.add_title');
    cancel.hidden = true;
    syncRole();
  };
  cancel.addEventListener('click', reset);
  const edit = (r) => {
    editing = r.id;
    fillForm(form, { ...r, agreement_on: r.agreement_on || '' });
    form.querySelector('[data-part=form-title]').textContent = t('recipients.edit_title', { name: r.name });
    cancel.hidden = false;
    syncRole();
    form.elements.name.focus();
  };
  const paint = async () => {
    const all = await call('recipients');
    list.replaceChildren(all.length ? dataTable([
      { key: 'recipients.name' }, { key: 'recipients.role' }, { key: 'recipients.state' },
      { key: 'today.col_action', class: 'row-actions' },
    ], all.map((r) => el('tr', { 'data-recipient': String(r.id) },
      el('td', {}, el('div', { text: r.name }), r.contact ? el('div', { class: 'muted small', text: r.contact }) : null),
      el('td', {}, el('div', { key: 'recipient_role.' + r.role }),
        r.processor && r.agreement_on ? el('div', { class: 'muted small', text: t('recipients.agreement_value', { date: formatDate(r.agreement_on) }) }) : null),
      el('td', {}, r.active ? badge('ok', 'staff.active') : badge('neutral', 'staff.inactive')),
      el('td', { class: 'row-actions' },
        el('button', { type: 'button', class: 'btn small', key: 'recipients.edit', onclick: () => edit(r) }), ' ',
        onClick(el('button', { type: 'button', class: 'btn small', key: r.active ? 'settings.deactivate' : 'settings.activate' }),
          list, async () => {
            await call('set_recipient_active', { id: r.id, active: !r.active });
            await paint();
          })))), { testid: 'recipients-table' }) : emptyState('recipients.none'));
  };
  onSubmit(form, async (v) => {
    const input = {
      role: v.role, name: v.name, contact: v.contact, purpose: v.purpose, legal_basis: v.legal_basis,
      agreement_on: PROCESSORS.includes(v.role) && v.agreement_on ? v.agreement_on : null,
    };
    if (editing === null) await call('add_recipient', { input });
    else await call('update_recipient', { id: editing, input });
    toast('toast.saved');
    reset();
    await paint();
  });
  box.append(list, form);
  reset();
  await paint();
}

/** Settings: the record of processing and the privacy statement, from the shop's settings. */
export function complianceDocuments(box) {
  const errors = el('div');
  box.append(errors,
    documentRow('doc.record_of_processing', 'record_of_processing', () => ({
      fileName: t('file.record_of_processing'),
    }), { errorBox: errors, testid: 'doc-record-of-processing' }),
    documentRow('doc.privacy_statement', 'privacy_statement', () => ({
      fileName: t('file.privacy_statement'),
    }), { errorBox: errors, testid: 'doc-privacy-statement' }),
    documentRow('doc.privacy_statement_html', 'privacy_statement_html', () => ({
      fileName: t('file.privacy_statement'),
    }), { errorBox: errors, saveOnly: true, testid: 'doc-privacy-statement-html' }));
}

/** Settings: the shop's own wording for an activity of the record of processing. */
export async function activitiesForm(box) {
  let all = new Map(await call('processing_activities'));
  const form = el('form', { class: 'form', novalidate: true, 'data-testid': 'activity-form' },
    el('div', { class: 'form-grid' },
      field('pa-activity', 'activities.activity', selectOf('pa-activity', 'activity', ACTIVITIES, 'activity.'), 'span-6'),
      ACTIVITY_FIELDS.map((f) => field('pa-' + f, 'activities.' + f,
        el('textarea', { id: 'pa-' + f, name: f, rows: '2', maxlength: '1000' }), 'span-3'))),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'btn', key: 'activities.save' })));
  const show = () => {
    const text = all.get(form.elements.activity.value) || {};
    fillForm(form, Object.fromEntries(ACTIVITY_FIELDS.map((f) => [f, text[f] || ''])));
  };
  form.elements.activity.addEventListener('change', show);
  onSubmit(form, async (v) => {
    const text = Object.fromEntries(ACTIVITY_FIELDS.map((f) => [f, v[f].trim() ? v[f] : null]));
    await call('edit_processing_activity', { activity: v.activity, text });
    all = new Map(await call('processing_activities'));
    show();
    toast('toast.saved');
  });
  box.append(el('h3', { key: 'activities.title' }), el('p', { class: 'muted small', key: 'activities.intro' }), form);
  show();
}

/** The customer screen: the disclosures recorded for this customer, and a form for one more. */
export async function disclosuresCard(box, customer) {
  const list = el('div', { class: 'stack', 'data-testid': 'disclosures' });
  const recipients = (await call('recipients')).filter((r) => r.active);
  const paint = async () => {
    const all = await call('disclosures', { customerId: customer.id });
    list.replaceChildren(...(all.length
      ? all.map((d) => el('div', { 'data-testid': 'disclosure-item' },
        el('div', {}, el('strong', { text: d.recipient_name }), ' · ', formatDate(d.disclosed_on)),
        el('div', { class: 'muted small', text: d.categories.map((c) => t('data_category.' + c)).join('; ') }),
        el('div', { class: 'small', text: d.reason })))
      : [emptyState('disclosures.none')]));
  };
  if (!recipients.length) {
    box.append(list, el('p', { class: 'muted small', key: 'disclosures.no_recipients' }));
    await paint();
    return;
  }
  const select = el('select', { id: 'ds-recipient', name: 'recipient_id', 'data-testid': 'disclosure-recipient' },
    recipients.map((r) => el('option', { value: String(r.id), text: `${r.name} (${t('recipient_role.' + r.role)})` })));
  const categories = el('fieldset', { name: 'categories', class: 'choices' },
    el('legend', { key: 'disclosures.categories' }),
    DATA_CATEGORIES.map((c) => el('div', {}, el('label', { class: 'choice' },
      el('input', { type: 'checkbox', name: 'cat_' + c, 'data-testid': 'disclosure-cat-' + c }),
      el('span', { key: 'data_category.' + c })))));
  const form = el('form', { class: 'form', novalidate: true, hidden: true, 'data-testid': 'disclosure-form' },
    el('div', { class: 'form-grid' },
      field('ds-recipient', 'disclosures.recipient', select, 'span-6'),
      field('ds-date', 'disclosures.date', el('input', { id: 'ds-date', name: 'disclosed_on', type: 'date', value: isoToday() }), 'span-3'),
      el('div', { class: 'field span-6' }, categories),
      field('ds-reason', 'disclosures.reason', el('textarea', { id: 'ds-reason', name: 'reason', rows: '2', maxlength: '500', 'data-testid': 'disclosure-reason' }), 'span-6'),
      el('p', { class: 'hint span-6', key: 'disclosures.hint' })),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'btn primary small', key: 'disclosures.save', 'data-testid': 'disclosure-save' })));
  onSubmit(form, async (v) => {
    await call('record_disclosure', {
      input: {
        customer_id: customer.id,
        recipient_id: Number(v.recipient_id),
        disclosed_on: v.disclosed_on || null,
        categories: DATA_CATEGORIES.filter((c) => v['cat_' + c]),
        reason: v.reason,
      },
    });
    toast('toast.disclosure_recorded');
    form.reset();
    form.elements.disclosed_on.value = isoToday();
    form.hidden = true;
    await paint();
  });
  const add = el('button', {
    type: 'button', class: 'btn small', key: 'disclosures.add', 'data-testid': 'disclosure-add',
    onclick: () => { form.hidden = !form.hidden; },
  });
  box.append(list, el('div', { class: 'actions' }, add), form);
  await paint();
}
