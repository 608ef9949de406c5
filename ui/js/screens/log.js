// Screen 9: the audit log with filters, and "verify chain".

import { call } from '../api.js';
import { el, onClick, onSubmit, part, screen } from '../dom.js';
import { currentLanguage, formatDateTime, formatNumber, t, tv } from '../i18n.js';
import { dataTable, emptyState, link } from '../table.js';
import { ACTIONS, STATUSES } from '../vocab.js';

const PAGE = 100;

export async function render(page) {
  const [fragment, staff] = await Promise.all([screen('log'), call('staff')]);
  const filters = part(fragment, 'filters');
  filters.elements.action.replaceChildren(el('option', { value: '', key: 'log.all' }),
    ...ACTIONS.map((a) => el('option', { value: a, key: 'action.' + a })));
  filters.elements.staff.replaceChildren(el('option', { value: '', key: 'log.all' }),
    ...staff.map((s) => el('option', { value: String(s.id), text: s.name })));

  const body = part(fragment, 'events');
  const moreRow = part(fragment, 'more-row');
  let events = [];

  const filter = (before) => {
    const { action, staff: staffId, subject } = Object.fromEntries(new FormData(filters));
    return {
      action: action || null,
      staff_id: staffId ? Number(staffId) : null,
      subject_id: subject ? Number(subject) : null,
      before_seq: before ?? null,
      limit: PAGE,
    };
  };
  const load = async (append) => {
    const before = append && events.length ? events[events.length - 1].seq : null;
    const batch = await call('audit_events', { filter: filter(before) });
    events = append ? events.concat(batch) : batch;
    moreRow.hidden = batch.length < PAGE;
    body.replaceChildren(events.length ? table(events) : emptyState('log.empty'));
  };
  filters.addEventListener('change', () => load(false));
  filters.addEventListener('submit', (event) => event.preventDefault());
  onClick(part(fragment, 'more'), filters, () => load(true));

  const result = part(fragment, 'verify-result');
  const verify = part(fragment, 'verify');
  onClick(verify, result, async () => {
    const report = await call('verify_audit_log');
    const broken = report.first_broken || report.anchor_problem;
    const notice = el('p', { class: `notice ${broken ? 'danger' : 'ok'}`, 'data-testid': 'chain-result' });
    notice.textContent = report.first_broken
      ? t('log.chain_broken', { seq: report.first_broken, events: formatNumber(report.events) })
      : report.anchor_problem
        ? t(report.anchor_problem === 'replaced' ? 'log.anchor_replaced' : 'log.anchor_deleted',
          { anchored: report.anchored_seq, events: formatNumber(report.events) })
        : t('log.chain_intact', { events: formatNumber(report.events) });
    result.replaceChildren(notice);
  });

  const verifyForm = part(fragment, 'verify-form');
  const answer = part(fragment, 'verify-answer');
  const show = (check) => {
    if (!check) return;
    const notice = el('p', { class: `notice ${check.valid ? 'ok' : 'danger'}`, 'data-testid': 'certificate-check' });
    notice.textContent = check.message;
    // What the register (or the file) states, for comparing with the paper in hand.
    const details = el('dl', { class: 'kv', 'data-testid': 'certificate-details' },
      ...check.details.flatMap(([label, value]) => [el('dt', { text: label }), el('dd', { text: value })]));
    answer.replaceChildren(notice, details);
  };
  onSubmit(verifyForm, async (values) => {
    answer.replaceChildren();
    show(await call('verify_certificate', { ...values, language: currentLanguage() }));
  });
  onClick(part(fragment, 'verify-file'), verifyForm, async () => {
    answer.replaceChildren();
    show(await call('verify_certificate_file', { language: currentLanguage() }));
  });

  page.append(fragment);
  await load(false);
}

function table(events) {
  return dataTable([
    { key: 'log.col_seq', class: 'num' }, { key: 'log.col_time' }, { key: 'log.col_staff' },
    { key: 'log.col_action' }, { key: 'log.col_subject' }, { key: 'log.col_detail' },
  ], events.map((e) => el('tr', {},
    el('td', { class: 'num', text: String(e.seq) }),
    el('td', { class: 'nowrap', text: formatDateTime(e.at) }),
    el('td', { class: 'nowrap', text: e.staff_name || '' }),
    el('td', { text: tv('action.', e.action) }),
    el('td', { class: 'nowrap' }, e.subject_id
      ? el('div', {}, link(`#/customer/${e.subject_id}`, e.subject_name || t('log.customer_ref', { id: e.subject_id })))
      : null,
    record(e.record, e.intake_number)),
    el('td', { class: 'small', text: detail(e.detail) }))));
}

/** `intake:12` links to the intake by its number; other records show their kind and number. */
function record(text, intakeNumber) {
  const [kind, id] = (text || '').split(':');
  if (!id) return null;
  if (kind === 'intake') return el('div', {}, link(`#/intake/${id}`, intakeNumber || t('log.intake_ref', { id })));
  return el('div', { class: 'muted small', text: tv('record.', kind) + ' ' + id });
}

/** Status changes are stored as `from>to`; everything else as the core wrote it. */
function detail(text) {
  if (!text) return '';
  const [from, to] = text.split('>');
  if (to && STATUSES.includes(from) && STATUSES.includes(to)) {
    return `${t('status.' + from)} → ${t('status.' + to)}`;
  }
  const issued = /^([a-z_]+) sha256=([0-9a-f]{12})[0-9a-f]*$/.exec(text);
  if (issued) return `${tv('doc_kind.', issued[1])} · SHA-256 ${issued[2]}…`;
  return tv('detail.', text);
}
