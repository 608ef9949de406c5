// Settings, privacy: who waits to be erased, past erasures and their confirmations, what the
// retention policy did by itself, the restricted records (each opening logged) and the list
// of e-mails that may receive the next information letter.

import { call } from '../api.js';
import { el, onClick, toast } from '../dom.js';
import { formatDate, formatDateTime, t } from '../i18n.js';
import { dataTable, emptyState, link } from '../table.js';
import { documentRow } from '../documents.js';

export async function privacyCard(box) {
  const errors = el('div');
  const quarantine = el('div', { 'data-testid': 'to-be-erased' });
  const erasures = el('div', { 'data-testid': 'erasures' });
  const done = el('div', { 'data-testid': 'done-by-policy' });
  const restricted = el('div', { 'data-testid': 'restricted-records' });
  const openRestricted = onClick(el('button', {
    type: 'button', class: 'btn', key: 'privacy.open_restricted', 'data-testid': 'open-restricted',
  }), errors, async () => {
    restricted.replaceChildren(restrictedTable(await call('restricted_records')));
  });
  const letters = documentRow('privacy.letter_list', 'letter_recipients_csv', () => ({
    fileName: t('file.letter_list'),
  }), { errorBox: errors, saveOnly: true, testid: 'letter-list' });
  box.append(errors,
    el('h3', { key: 'privacy.to_be_erased' }), quarantine,
    el('h3', { key: 'privacy.erasures' }), erasures,
    el('h3', { key: 'privacy.done_by_policy' }), done,
    el('h3', { key: 'privacy.restricted' }), el('p', { class: 'muted small', key: 'privacy.restricted_intro' }),
    el('div', { class: 'actions' }, openRestricted), restricted,
    el('h3', { key: 'privacy.letters' }), letters);
  const paint = async () => {
    const [waiting, past, policy] = await Promise.all([
      call('to_be_erased'), call('erasures', { limit: 50 }), call('done_by_policy', { limit: 50 }),
    ]);
    quarantine.replaceChildren(quarantineTable(waiting, errors, paint));
    erasures.replaceChildren(erasureTable(past, errors));
    done.replaceChildren(doneTable(policy));
  };
  await paint();
}

function quarantineTable(items, errors, repaint) {
  if (!items.length) return emptyState('privacy.none_waiting');
  return dataTable([
    { key: 'privacy.col_customer' }, { key: 'privacy.col_reference' }, { key: 'privacy.col_erase_on' },
    { key: 'today.col_action', class: 'row-actions' },
  ], items.map((q) => {
    const restore = onClick(el('button', { type: 'button', class: 'btn small', key: 'erasure.restore' }), errors, async () => {
      await call('withdraw_erasure', { customerId: q.customer_id });
      toast('toast.restored');
      await repaint();
    });
    return el('tr', {},
      el('td', {}, link(`#/customer/${q.customer_id}`, q.name)),
      el('td', { class: 'mono', text: q.reference }),
      el('td', { text: formatDate(q.erase_on) }),
      el('td', { class: 'row-actions' }, restore));
  }), { testid: 'to-be-erased-table' });
}

function erasureTable(items, errors) {
  if (!items.length) return emptyState('privacy.no_erasures');
  return dataTable([
    { key: 'privacy.col_reference' }, { key: 'privacy.col_state' }, { key: 'privacy.col_restricted_until' },
    { key: 'today.col_action', class: 'row-actions' },
  ], items.map((e) => el('tr', { 'data-reference': e.reference },
    el('td', { class: 'mono', text: e.reference }),
    el('td', {
      text: e.erased_at
        ? t(e.reason === 'inactive' ? 'privacy.anonymised_at' : 'privacy.erased_at', { date: formatDateTime(e.erased_at) })
        : t('erasure.erase_on', { date: formatDate(e.erase_on) }),
    }),
    el('td', { text: e.restricted_until && e.restricted > 0 ? formatDate(e.restricted_until) : '–' }),
    // The confirmation answers the verified request that started the erasure.
    el('td', { class: 'row-actions' }, e.request_id === null
      ? el('span', { class: 'muted small', key: 'requests.no_request' })
      : documentRow('doc.erasure_confirmation', 'erasure_confirmation', () => ({
        reference: e.reference, requestId: e.request_id,
        fileName: t('file.erasure_confirmation', { reference: e.reference }),
      }), { errorBox: errors, testid: `erasure-doc-${e.reference}` })))), { testid: 'erasures-table' });
}

function doneTable(items) {
  if (!items.length) return emptyState('privacy.nothing_done');
  return dataTable([
    { key: 'privacy.col_when' }, { key: 'privacy.col_what' }, { key: 'privacy.col_reference' },
  ], items.map((d) => el('tr', {},
    el('td', { text: formatDateTime(d.at) }),
    el('td', { key: 'action.' + d.action }),
    el('td', { class: 'mono', text: (d.record || '').replace(/^erasure:/, '') }))), { testid: 'done-by-policy-table' });
}

function restrictedTable(items) {
  if (!items.length) return emptyState('privacy.none_restricted');
  return dataTable([
    { key: 'privacy.col_reference' }, { key: 'intake.number' }, { key: 'intake.received' },
    { key: 'privacy.col_name' }, { key: 'intake.device' }, { key: 'privacy.col_kept_until' },
  ], items.map((r) => el('tr', {},
    el('td', { class: 'mono', text: r.reference }),
    el('td', { text: r.number }),
    el('td', { text: formatDate(r.received_on) }),
    el('td', { text: r.customer_name }),
    el('td', { text: r.device }),
    el('td', { text: formatDate(r.kept_until) }))), { testid: 'restricted-table' });
}
