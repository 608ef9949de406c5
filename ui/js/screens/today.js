// Screen 3: what needs doing today. Every row acts in place.

import { call } from '../api.js';
import { attempt, el, onClick, part, screen, showError, toast } from '../dom.js';
import { formatDate, formatLongDate, t } from '../i18n.js';
import { badge, dataTable, deviceLabel, emptyState, link } from '../table.js';
import { confirmBox, copyDeletionForm, destructionForm, inlineRow } from '../forms.js';
import { backupNotice } from './backup.js';
import { session } from '../session.js';
import { searchList } from '../search-list.js';

/** An intake number as the receipt prints it (and its code scans): 2026-0414. */
const INTAKE_NUMBER = /^\d{4}-\d{4,}$/;

/** The counter's first box: a customer, phone, e-mail, serial, or a scanned intake number. */
function searchFirst(fragment, navigate) {
  const input = part(fragment, 'query');
  const results = part(fragment, 'results');
  const openIntake = async (text) => {
    if (!INTAKE_NUMBER.test(text)) return false;
    try {
      const intake = await call('intake_by_number', { number: text });
      navigate(`#/intake/${intake.id}`);
    } catch (error) {
      showError(results.parentElement, error);
    }
    return true;
  };
  const run = searchList(input, results, (hit) => navigate(`#/customer/${hit.id}`), { compact: true, onEnterText: openIntake });
  input.addEventListener('input', () => { results.hidden = !input.value.trim(); });
  input.setAttribute('data-autofocus', '');
  return run;
}

export async function render(page, _route, { navigate }) {
  const [fragment, today, notice] = await Promise.all([screen('today'), call('today'), backupNotice()]);
  searchFirst(fragment, navigate);
  part(fragment, 'date').textContent = formatLongDate(today.date);
  part(fragment, 'backup-notice').replaceChildren(...(notice ? [notice] : []));
  // The uncollected-device procedure differs by country (src/privacy/policy.rs).
  part(fragment, 'pickup-intro').textContent =
    t(session.shop?.jurisdiction === 'SE' ? 'today.pickup_intro_se' : 'today.pickup_intro');
  const rerender = async () => {
    const fresh = await call('today');
    fill(page, fresh, rerender);
  };
  page.append(fragment);
  fill(page, today, rerender);
}

/** Rows shown before "Show all": the counter sees the top of each list at a glance. */
const SHORT_LIST = 5;

function fill(page, today, rerender) {
  stat(part(page, 'stat-pickup'), today.ready_for_pickup);
  stat(part(page, 'stat-copies'), today.copies_due);
  stat(part(page, 'stat-destruction'), today.destruction_due);
  shortList(part(page, 'pickup'), today.ready_for_pickup, (items) => pickup(items, rerender));
  shortList(part(page, 'copies'), today.copies_due, (items) => copies(items, rerender));
  shortList(part(page, 'destruction'), today.destruction_due, (items) => destruction(items, rerender));
  const requestsCard = part(page, 'requests-card');
  requestsCard.hidden = !today.requests_due.length;
  part(page, 'requests').replaceChildren(requests(today.requests_due));
  for (const card of page.querySelectorAll('.stat[data-list]')) {
    const open = () => {
      const list = page.querySelector(`[data-testid=${card.dataset.list}]`);
      list.scrollIntoView({ block: 'start' });
      const first = list.querySelector('button, a');
      if (first) first.focus();
    };
    card.onclick = open;
    card.onkeydown = (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        open();
      }
    };
  }
}

/** Requests due within a week (GDPR Art. 12(3)), and those past their deadline. */
function requests(items) {
  if (!items.length) return emptyState('today.requests_empty');
  const rows = items.map((r) => el('tr', { class: r.overdue ? 'overdue' : '', 'data-request': String(r.id) },
    dueCell(r.deadline, r.overdue),
    el('td', { key: 'request_kind.' + r.kind }),
    el('td', {}, r.customer_id === null
      ? el('span', { class: 'muted', key: 'requests.not_found' })
      : link(`#/customer/${r.customer_id}`, r.customer_name || '')),
    el('td', {}, r.verification ? badge('ok', 'requests.verified') : badge('warn', 'requests.not_verified'))));
  return dataTable([
    { key: 'today.col_answer_by' }, { key: 'requests.kind' }, { key: 'today.col_customer' }, { key: 'requests.identity' },
  ], rows, { testid: 'requests-table' });
}

/** The first rows of a list, overdue ones first (otherwise in the core's order), and a
 * button for the rest. */
function shortList(box, all, render) {
  const items = [...all.filter((i) => i.overdue), ...all.filter((i) => !i.overdue)];
  if (items.length <= SHORT_LIST) {
    box.replaceChildren(render(items));
    return;
  }
  const more = el('button', {
    type: 'button', class: 'btn ghost small show-all', 'data-testid': 'show-all',
    text: t('today.show_all', { count: items.length }),
    onclick: () => box.replaceChildren(render(items)),
  });
  box.replaceChildren(render(items.slice(0, SHORT_LIST)), el('div', { class: 'card-foot' }, more));
}

function stat(card, items) {
  const overdue = items.filter((i) => i.overdue).length;
  part(card, 'value').textContent = String(items.length);
  part(card, 'overdue').textContent = overdue ? t('today.overdue_count', { count: overdue }) : '';
  card.classList.toggle('alert', overdue > 0);
}

function dueCell(date, overdue) {
  return el('td', {}, el('div', {}, formatDate(date)), overdue ? badge('danger', 'today.overdue') : null);
}

/** Opens an inline form below `row`, replacing any other open one in the same table. */
function toggleInline(row, columns, makeForm) {
  const next = row.nextElementSibling;
  if (next && next.classList.contains('inline-form-row')) {
    next.remove();
    return;
  }
  for (const open of row.parentElement.querySelectorAll('.inline-form-row')) open.remove();
  const inline = inlineRow(columns, makeForm(() => inline.remove()));
  row.after(inline);
  const first = inline.querySelector('select, input, button');
  if (first) first.focus();
}

function copies(items, rerender) {
  if (!items.length) return emptyState('today.copies_empty');
  const rows = items.map((item) => {
    const row = el('tr', { class: item.overdue ? 'overdue' : '' },
      dueCell(item.due, item.overdue),
      el('td', {}, link(`#/intake/${item.intake.id}`, item.intake.number)),
      el('td', {}, link(`#/customer/${item.intake.customer_id}`, item.intake.customer_name)),
      el('td', {}, el('div', { text: item.copy.label }), el('div', { class: 'muted small', text: item.copy.location })),
      el('td', { class: 'row-actions' }, el('button', {
        type: 'button', class: 'btn small', key: 'today.mark_deleted',
        onclick: () => toggleInline(row, 5, (close) => copyDeletionForm(item.copy, async () => {
          toast('toast.copy_deleted');
          await rerender();
        }, { onCancel: close })),
      })));
    return row;
  });
  return dataTable([
    { key: 'today.col_due' }, { key: 'today.col_intake' }, { key: 'today.col_customer' },
    { key: 'today.col_copy' }, { key: 'today.col_action', class: 'row-actions' },
  ], rows, { testid: 'copies-table' });
}

function destruction(items, rerender) {
  if (!items.length) return emptyState('today.destruction_empty');
  const rows = items.map((item) => {
    const row = el('tr', { class: item.overdue ? 'overdue' : '' },
      el('td', {}, el('div', { text: t('today.from_to', { from: formatDate(item.earliest), to: formatDate(item.latest) }) }),
        item.overdue ? badge('danger', 'today.overdue') : null),
      el('td', {}, link(`#/intake/${item.intake.id}`, item.intake.number)),
      el('td', {}, link(`#/customer/${item.intake.customer_id}`, item.intake.customer_name)),
      el('td', {}, el('div', { text: deviceLabel(item.intake) }),
        item.held ? null : el('div', { class: 'muted small', key: 'today.not_yet_held' })),
      el('td', { class: 'row-actions' }, item.held ? el('button', {
        type: 'button', class: 'btn small', key: 'today.record_destruction',
        onclick: () => toggleInline(row, 5, (close) => destructionForm(item.intake, async () => {
          toast('toast.destroyed');
          await rerender();
        }, { onCancel: close })),
      }) : el('button', {
        type: 'button', class: 'btn small', key: 'transition.held_for_destruction',
        onclick: (e) => act(e.currentTarget, row, () => call('set_intake_status', { id: item.intake.id, status: 'held_for_destruction' }), rerender),
      })));
    return row;
  });
  return dataTable([
    { key: 'today.col_window' }, { key: 'today.col_intake' }, { key: 'today.col_customer' },
    { key: 'today.col_device' }, { key: 'today.col_action', class: 'row-actions' },
  ], rows, { testid: 'destruction-table' });
}

function pickup(items, rerender) {
  if (!items.length) return emptyState('today.pickup_empty');
  const rows = items.map((item) => {
    const row = el('tr', { class: item.overdue ? 'overdue' : '' },
      el('td', {}, el('div', { text: t('today.waiting_days', { days: item.waiting_days }) }),
        item.overdue ? badge('danger', 'today.uncollected') : null,
        item.letter_sent_at ? el('div', { class: 'muted small', text: t('today.letter_sent_on', { date: formatDate(item.letter_sent_at) }) }) : null),
      el('td', {}, link(`#/intake/${item.intake.id}`, item.intake.number)),
      el('td', {}, link(`#/customer/${item.intake.customer_id}`, item.intake.customer_name)),
      el('td', { text: deviceLabel(item.intake) }),
      el('td', { class: 'row-actions' }, el('button', {
        type: 'button', class: 'btn small', key: 'today.hand_over',
        onclick: () => toggleInline(row, 5, (close) => handoverConfirm(item.intake, rerender, close)),
      })));
    const step = pickupStep(item, row, rerender);
    if (step) row.lastElementChild.append(step);
    return row;
  });
  return dataTable([
    { key: 'today.col_waiting' }, { key: 'today.col_intake' }, { key: 'today.col_customer' },
    { key: 'today.col_device' }, { key: 'today.col_action', class: 'row-actions' },
  ], rows, { testid: 'pickup-table' });
}

/** Runs one action from a row; an error shows under the row's table. */
function act(button, row, action, rerender) {
  return attempt(button, row.closest('table').parentElement, async () => {
    await action();
    await rerender();
  });
}

/** Uncollected after three months: send the registered letter; after it, dispose of (never automatic). */
function pickupStep(item, row, rerender) {
  if (item.action === 'wait_after_letter') {
    return el('div', { class: 'muted small', text: t('today.dispose_from', { date: formatDate(item.dispose_from) }) });
  }
  if (item.action === 'send_letter') {
    return el('button', {
      type: 'button', class: 'btn small', key: 'today.send_letter', 'data-testid': 'send-letter',
      onclick: (e) => act(e.currentTarget, row, () => call('record_pickup_letter', { id: item.intake.id }), rerender),
    });
  }
  if (item.action !== 'may_dispose') return null;
  return el('button', {
    type: 'button', class: 'btn small', key: 'today.dispose',
    onclick: () => toggleInline(row, 5, (close) => disposeForm(item.intake, rerender, close)),
  });
}

function disposeForm(intake, rerender, close) {
  const box = el('div', { class: 'actions' });
  const media = el('input', { type: 'text', name: 'media_sanitized', maxlength: '200', class: 'grow', 'aria-label': t('today.dispose_media') });
  media.placeholder = t('today.dispose_media');
  const confirm = onClick(el('button', { type: 'button', class: 'btn primary small', key: 'today.confirm_dispose' }), box, async () => {
    await call('dispose_uncollected', { id: intake.id, media: media.value });
    toast('toast.disposed');
    await rerender();
  });
  box.append(media, confirm, el('button', { type: 'button', class: 'btn ghost small', key: 'common.cancel', onclick: close }));
  return box;
}

function handoverConfirm(intake, rerender, close) {
  return confirmBox(t('today.confirm_handover', { number: intake.number, name: intake.customer_name }), async () => {
    await call('set_intake_status', { id: intake.id, status: 'handed_over' });
    toast('toast.handed_over');
    await rerender();
  }, close, { testid: 'handover-confirm' });
}
