// Screen 5: one customer, their intakes, consent and the log events about them.

import { call } from '../api.js';
import { attempt, el, emailText, part, screen, showError, toast } from '../dom.js';
import { formatDate, formatDateTime, formatPhone, postcode, t, tv } from '../i18n.js';
import { badge, dataTable, deviceLabel, emptyState, statusBadge } from '../table.js';
import { documentRow } from '../documents.js';
import { requestFor, requestsCard } from './requests.js';

export async function render(page, { match }, { navigate }) {
  const id = Number(match[0]);
  const [fragment, customer, intakes, events, requests] = await Promise.all([
    screen('customer'),
    call('customer', { id }),
    call('intakes_for_customer', { customerId: id }),
    call('audit_events', { filter: { subject_id: id, limit: 50 } }),
    call('customer_requests', { customerId: id }),
  ]);
  const reload = () => navigate(`#/customer/${id}`);
  part(fragment, 'name').textContent = customer.name;
  part(fragment, 'kind').textContent = t('kind.' + customer.kind);
  part(fragment, 'since').textContent = t('customer.since', { date: formatDate(customer.created_at) });
  part(fragment, 'edit').href = `#/customer/${id}/edit`;
  part(fragment, 'new-intake').href = `#/intake/new?customer=${id}`;

  const details = part(fragment, 'details');
  const address = [customer.street, [postcode(customer.postcode), customer.city].filter(Boolean).join(' '), t('country.' + customer.country)]
    .filter(Boolean).join('\n');
  const rows = [
    ['customer.mobile', formatPhone(customer.mobile)],
    ['customer.email', customer.email && emailText(customer.email)],
    ['customer.address', address],
    ['customer.birth_date', customer.birth_date ? formatDate(customer.birth_date) : ''],
    ['customer.org_number', customer.org_number],
    ['customer.language', t('lang.' + customer.language)],
    ['customer.notes', customer.notes],
    ['customer.updated', formatDateTime(customer.updated_at)],
  ];
  for (const [key, value] of rows) {
    if (!value) continue;
    details.append(el('dt', { key }), el('dd', { 'data-field': key }, value));
  }

  const consent = part(fragment, 'consent');
  consent.append(customer.newsletter
    ? badge('ok', 'customer.newsletter_yes')
    : badge('neutral', 'customer.newsletter_no'));
  if (customer.consents.length) {
    consent.append(el('ul', { class: 'timeline' }, customer.consents.map((c) => el('li', {},
      el('span', { class: 'muted', text: formatDate(c.given_at) }),
      el('span', { text: consentLine(c) })))));
  }

  part(fragment, 'intake-count').textContent = String(intakes.length);
  part(fragment, 'intakes').replaceChildren(intakes.length
    ? dataTable([
      { key: 'intake.number' }, { key: 'intake.device' }, { key: 'intake.status' }, { key: 'intake.received' },
    ], intakes.map((i) => el('tr', { class: 'clickable', onclick: () => navigate(`#/intake/${i.id}`) },
      el('td', { class: 'nowrap' }, el('a', { href: `#/intake/${i.id}`, text: i.number })),
      el('td', {}, el('div', { text: deviceLabel(i) }), el('div', { class: 'muted small', key: 'service.' + i.service })),
      el('td', {}, statusBadge(i.status)),
      el('td', { class: 'nowrap', text: formatDate(i.received_at) }))), { testid: 'customer-intake-table' })
    : emptyState('customer.no_intakes'));

  part(fragment, 'log').replaceChildren(events.length
    ? el('ul', { class: 'timeline' }, events.map((e) => el('li', {},
      el('span', { class: 'muted', text: formatDateTime(e.at) }),
      el('span', {}, el('strong', { key: 'action.' + e.action }), e.staff_name ? ` · ${e.staff_name}` : ''))))
    : emptyState('customer.no_events'));

  requestsCard(part(fragment, 'requests'), customer, requests, reload);

  // Each answer goes out against the open request of its kind; the core refuses it until the
  // requester's identity is verified.
  const documents = part(fragment, 'documents');
  const access = requestFor(requests, 'access');
  const exportRequest = requestFor(requests, 'export');
  documents.append(
    answerRow(access, 'requests.needs_access', () => documentRow('doc.access_report', 'access_report', () => ({
      customerId: id, requestId: access.id, fileName: t('file.access_report', { id }),
    }), { errorBox: documents, testid: 'doc-access-report' })),
    answerRow(exportRequest, 'requests.needs_export', () => [
      documentRow('doc.export_json', 'export_json', () => ({
        customerId: id, requestId: exportRequest.id, fileName: t('file.export', { id }),
      }), { errorBox: documents, saveOnly: true, testid: 'doc-export-json' }),
      documentRow('doc.export_csv', 'export_csv', () => ({ customerId: id, requestId: exportRequest.id }),
        { errorBox: documents, saveOnly: true, testid: 'doc-export-csv' })]));
  if (customer.kind === 'business') documents.append(batchRow(id, documents));

  erasureCard(part(fragment, 'erasure'), customer, requestFor(requests, 'erasure'), reload);
  page.append(fragment);
}

/** The document rows for a request, or why there are none yet. */
function answerRow(request, hintKey, rows) {
  if (!request) return el('p', { class: 'muted small', key: hintKey });
  return el('div', { 'data-request': String(request.id) }, rows());
}

/**
 * GDPR Art. 17 and 21: erase (30 days in quarantine, restorable) and object to marketing. An
 * open erasure request is what the erasure answers (it must be verified); the sweep closes it.
 */
function erasureCard(box, customer, request, reload) {
  const act = (button, command, toastKey) => attempt(button, box, async () => {
    const args = command === 'request_erasure' && request
      ? ['erase_on_request', { requestId: request.id }]
      : [command, { customerId: customer.id }];
    await call(...args);
    toast(toastKey);
    reload();
  });
  if (customer.erase_on) {
    box.append(
      el('p', {}, badge('danger', 'erasure.quarantined'), ' ', t('erasure.erase_on', { date: formatDate(customer.erase_on) })),
      el('div', { class: 'actions' }, el('button', {
        type: 'button', class: 'btn', key: 'erasure.restore', 'data-testid': 'customer-restore',
        onclick: (e) => act(e.currentTarget, 'withdraw_erasure', 'toast.restored'),
      })));
    // The confirmation for the person: what will be erased on which day, under their reference.
    call('to_be_erased').then((list) => {
      const mine = list.find((q) => q.customer_id === customer.id);
      if (!mine) return;
      box.append(el('p', { class: 'muted small', text: t('erasure.reference', { reference: mine.reference }) }),
        mine.request_id === null
          ? el('p', { class: 'muted small', key: 'requests.needs_erasure' })
          : documentRow('doc.erasure_confirmation', 'erasure_confirmation', () => ({
            reference: mine.reference, requestId: mine.request_id,
            fileName: t('file.erasure_confirmation', { reference: mine.reference }),
          }), { errorBox: box, testid: 'doc-erasure-confirmation' }));
    }).catch((error) => showError(box, error));
    return;
  }
  const confirmRow = el('div', { class: 'actions', hidden: true, 'data-testid': 'erase-confirm-row' },
    el('span', { class: 'grow', text: t('erasure.confirm_question', { name: customer.name }) }),
    el('button', {
      type: 'button', class: 'btn danger small', key: 'erasure.confirm', 'data-testid': 'customer-erase-confirm',
      onclick: (e) => act(e.currentTarget, 'request_erasure', 'toast.erasure_requested'),
    }),
    el('button', { type: 'button', class: 'btn ghost small', key: 'common.cancel', onclick: () => { confirmRow.hidden = true; } }));
  const buttons = el('div', { class: 'actions' },
    el('button', {
      type: 'button', class: 'btn', key: 'erasure.erase', 'data-testid': 'customer-erase',
      onclick: () => { confirmRow.hidden = false; },
    }),
    customer.marketing_objection_at ? badge('neutral', 'erasure.objected') : el('button', {
      type: 'button', class: 'btn', key: 'erasure.object', 'data-testid': 'customer-object',
      onclick: (e) => act(e.currentTarget, 'record_marketing_objection', 'toast.objection_recorded'),
    }));
  box.append(buttons, confirmRow);
}

/** Business customers: one signed certificate for every device destroyed in a period. */
function batchRow(id, errorBox) {
  const today = new Date();
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const from = el('input', { type: 'date', name: 'from', value: `${today.getFullYear()}-01-01`, 'aria-label': t('doc.batch_from') });
  const to = el('input', { type: 'date', name: 'to', value: iso(today), 'aria-label': t('doc.batch_to') });
  const row = documentRow('doc.batch_certificate', 'batch_certificate', () => ({
    customerId: id, from: from.value, to: to.value, fileName: t('file.batch_certificate', { id }),
  }), { errorBox, testid: 'doc-batch-certificate' });
  row.querySelector('.grow').after(from, to);
  return row;
}

function consentLine(consent) {
  const channel = tv('channel.', consent.channel);
  return consent.withdrawn_at
    ? t('customer.consent_withdrawn', { channel, date: formatDate(consent.withdrawn_at) })
    : t('customer.consent_given', { channel });
}
