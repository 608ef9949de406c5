// The customer's requests (GDPR Art. 12, 15–22): register one, record how the requester's
// identity was verified, extend the deadline, close it. The document buttons of the customer
// screen answer the open request of their kind; the core refuses one that is not verified.

import { call } from '../api.js';
import { el, fillOptions, onClick, onSubmit, toast } from '../dom.js';
import { formatDate, formatDateTime, t } from '../i18n.js';
import { badge, emptyState } from '../table.js';
import { REQUEST_CHANNELS, REQUEST_KINDS, VERIFICATION_METHODS } from '../vocab.js';

let ids = 0;

/** The open request of `kind` a document answers: a verified one first, else any open one. */
export function requestFor(requests, kind) {
  const open = requests.filter((r) => !r.closed && r.kind === kind);
  return open.find((r) => r.verification) || open[0] || null;
}

function isoToday() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function field(id, labelKey, input, span = 'span-2') {
  return el('div', { class: `field ${span}` }, el('label', { for: id, key: labelKey }), input);
}

function selectOf(id, name, values, prefix) {
  const node = el('select', { id, name });
  fillOptions(node, values, prefix);
  return node;
}

function deadlineBadge(r) {
  if (r.closed) return badge('neutral', 'requests.closed');
  if (r.overdue) return badge('danger', 'today.overdue');
  if (r.due_soon) return badge('warn', 'requests.due_soon');
  return null;
}

function verifyForm(r, done) {
  const n = ++ids;
  return onSubmit(el('form', { class: 'form', novalidate: true, 'data-testid': 'request-verify-form' },
    el('div', { class: 'form-grid' },
      field(`rv-method-${n}`, 'requests.method', selectOf(`rv-method-${n}`, 'method', VERIFICATION_METHODS, 'verify_method.'), 'span-3'),
      field(`rv-note-${n}`, 'requests.note', el('input', { id: `rv-note-${n}`, name: 'note', type: 'text', maxlength: '500' }), 'span-3'),
      el('p', { class: 'hint span-6', key: 'requests.no_id_copy' })),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'btn primary small', key: 'requests.verify_save', 'data-testid': 'request-verify-save' }))),
  async (v) => {
    await call('verify_request', { requestId: r.id, check: { method: v.method, note: v.note, verified_by: null } });
    toast('toast.request_verified');
    done();
  });
}

function extendForm(r, done) {
  const n = ++ids;
  const months = el('select', { id: `re-months-${n}`, name: 'months' },
    el('option', { value: '1', text: t('requests.months', { count: 1 }) }),
    el('option', { value: '2', text: t('requests.months', { count: 2 }) }));
  return onSubmit(el('form', { class: 'form', novalidate: true, 'data-testid': 'request-extend-form' },
    el('div', { class: 'form-grid' },
      field(`re-months-${n}`, 'requests.extend_by', months, 'span-2'),
      field(`re-told-${n}`, 'requests.told_on', el('input', { id: `re-told-${n}`, name: 'told_on', type: 'date', value: isoToday() }), 'span-2'),
      field(`re-reason-${n}`, 'requests.reason', el('input', { id: `re-reason-${n}`, name: 'reason', type: 'text', maxlength: '500' }), 'span-6')),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'btn primary small', key: 'requests.extend_save', 'data-testid': 'request-extend-save' }))),
  async (v) => {
    await call('extend_request', {
      requestId: r.id, extension: { months: Number(v.months), reason: v.reason, told_on: v.told_on },
    });
    toast('toast.request_extended');
    done();
  });
}

function requestItem(r, errors, reload) {
  const slot = el('div');
  const toggle = (make) => {
    if (slot.firstChild) slot.replaceChildren();
    else slot.replaceChildren(make(r, reload));
  };
  const verified = r.verification
    ? el('div', { class: 'small', 'data-testid': 'request-verified' }, badge('ok', 'requests.verified'), ' ',
      t('requests.verified_line', {
        method: t('verify_method.' + r.verification.method), by: r.verification.by, date: formatDateTime(r.verification.at),
      }))
    : el('div', { class: 'small' }, badge('warn', 'requests.not_verified'), ' ', el('span', { class: 'muted', key: 'requests.not_verified_hint' }));
  const buttons = r.closed ? null : el('div', { class: 'actions' },
    r.verification ? null : el('button', {
      type: 'button', class: 'btn small', key: 'requests.verify', 'data-testid': 'request-verify',
      onclick: () => toggle(verifyForm),
    }),
    r.extension ? null : el('button', {
      type: 'button', class: 'btn small', key: 'requests.extend', 'data-testid': 'request-extend',
      onclick: () => toggle(extendForm),
    }),
    onClick(el('button', {
      type: 'button', class: 'btn small', key: 'requests.close', 'data-testid': 'request-close',
    }), errors, async () => {
      await call('close_request', { requestId: r.id });
      toast('toast.request_closed');
      reload();
    }));
  return el('div', { class: 'request-item', 'data-testid': 'request-item', 'data-request': String(r.id), 'data-kind': r.kind },
    el('div', {}, el('strong', { key: 'request_kind.' + r.kind }), ' ', deadlineBadge(r)),
    el('div', { class: 'muted small', text: t('requests.line', {
      received: formatDate(r.received_on), channel: t('request_channel.' + r.channel), deadline: formatDate(r.deadline),
    }) }),
    r.extension ? el('div', { class: 'muted small', text: t('requests.extended_line', {
      count: r.extension.months, date: formatDate(r.extension.told_on), reason: r.extension.reason,
    }) }) : null,
    r.answered_at ? el('div', { class: 'muted small', text: t('requests.answered', { date: formatDateTime(r.answered_at) }) }) : null,
    verified, buttons, slot);
}

function addForm(customer, reload) {
  const n = ++ids;
  const form = el('form', { class: 'form', novalidate: true, hidden: true, 'data-testid': 'request-add-form' },
    el('div', { class: 'form-grid' },
      field(`ra-kind-${n}`, 'requests.kind', selectOf(`ra-kind-${n}`, 'kind', REQUEST_KINDS, 'request_kind.')),
      field(`ra-channel-${n}`, 'requests.channel', selectOf(`ra-channel-${n}`, 'channel', REQUEST_CHANNELS, 'request_channel.')),
      field(`ra-received-${n}`, 'requests.received', el('input', { id: `ra-received-${n}`, name: 'received_on', type: 'date', value: isoToday() }))),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'btn primary small', key: 'requests.add_save', 'data-testid': 'request-add-save' }),
      el('button', { type: 'button', class: 'btn ghost small', key: 'common.cancel', onclick: () => { form.hidden = true; } })));
  return onSubmit(form, async (v) => {
    await call('add_request', {
      input: { kind: v.kind, customer_id: customer.id, channel: v.channel, received_on: v.received_on || null },
    });
    toast('toast.request_added');
    reload();
  });
}

/** The requests card of the customer screen: open requests first, then the answered ones. */
export function requestsCard(box, customer, requests, reload) {
  const errors = el('div');
  const form = addForm(customer, reload);
  const add = el('button', {
    type: 'button', class: 'btn', key: 'requests.add', 'data-testid': 'request-add',
    onclick: () => { form.hidden = !form.hidden; },
  });
  const open = requests.filter((r) => !r.closed);
  const closed = requests.filter((r) => r.closed);
  box.append(...[errors, el('div', { class: 'actions' }, add), form,
    open.length
      ? el('div', { class: 'stack', 'data-testid': 'open-requests' }, open.map((r) => requestItem(r, errors, reload)))
      : emptyState('requests.none_open'),
    closed.length
      ? el('details', {}, el('summary', { text: t('requests.closed_count', { count: closed.length }) }),
        el('div', { class: 'stack', 'data-testid': 'closed-requests' }, closed.map((r) => requestItem(r, errors, reload))))
      : null].filter(Boolean));
}
