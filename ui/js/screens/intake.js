// Screen 7: one intake. Status along the allowed transitions, handover, copies, destruction.

import { call } from '../api.js';
import { attempt, el, onSubmit, part, screen, toast } from '../dom.js';
import { formatDate, formatDateTime, t, tv } from '../i18n.js';
import { confirmBox, copyDeletionForm, copyMethodKey, destructionForm, inlineRow } from '../forms.js';
import { badge, dataTable, emptyState, statusBadge } from '../table.js';
import { session } from '../session.js';
import { documentRow } from '../documents.js';
import { paperSelect } from '../paper.js';
import { editForm } from './intake-edit.js';

export async function render(page, { match }) {
  const id = Number(match[0]);
  const [fragment, intake] = await Promise.all([screen('intake'), call('intake', { id })]);
  page.append(fragment);
  const repaint = (fresh) => fill(page, fresh, repaint);
  fill(page, intake, repaint);
}

function kv(list, rows) {
  list.replaceChildren(...rows.filter(([, value]) => value).flatMap(([key, value]) =>
    [el('dt', { key }), el('dd', { text: value })]));
}

function fill(page, intake, repaint) {
  part(page, 'number').textContent = intake.number;
  part(page, 'status').replaceChildren(statusBadge(intake.status));
  const customer = part(page, 'customer');
  customer.textContent = intake.customer_name;
  customer.href = `#/customer/${intake.customer_id}`;
  part(page, 'customer-button').href = `#/customer/${intake.customer_id}`;
  part(page, 'received').textContent = t('intake.received_by', {
    date: formatDateTime(intake.received_at),
    name: intake.received_by_name,
  });
  part(page, 'status-since').textContent = t('intake.status_since', { date: formatDateTime(intake.status_changed_at) });

  statusActions(page, intake, repaint);

  kv(part(page, 'device'), [
    ['intake.device_type', t('device.' + intake.device_type)],
    ['intake.make', intake.make],
    ['intake.model', intake.model],
    ['intake.serial', intake.serial],
    ['intake.accessories', intake.accessories],
    ['intake.condition', intake.condition],
  ]);
  kv(part(page, 'job'), [
    ['intake.service', t('service.' + intake.service)],
    ['intake.fault', intake.fault],
    ['intake.estimate', intake.estimate],
    ['intake.access', t('access.' + intake.access)],
    ['intake.handed_over_at', intake.handed_over_at ? formatDateTime(intake.handed_over_at) : ''],
  ]);

  editForm(part(page, 'edit-form'), intake, repaint);
  copies(page, intake, repaint);
  pickup(page, intake, repaint);
  destruction(page, intake, repaint);
  documents(page, intake);
}

function documents(page, intake) {
  const box = part(page, 'documents');
  const paper = paperSelect();
  const receipt = documentRow('doc.receipt', 'receipt', () => ({
    intakeId: intake.id, paper: paper.value, fileName: t('file.receipt', { number: intake.number }),
  }), { errorBox: box, testid: 'doc-receipt' });
  receipt.querySelector('.grow').after(paper);
  const rows = [receipt];
  if (intake.status === 'destroyed') {
    rows.push(documentRow('doc.certificate', 'destruction_certificate', () => ({
      intakeIds: [intake.id], fileName: t('file.certificate', { number: intake.number }),
    }), { errorBox: box, testid: 'doc-certificate' }));
  }
  const deleted = intake.copies.filter((c) => c.deleted_at).map((c) => c.id);
  if (deleted.length) {
    rows.push(documentRow('doc.deletion_confirmation', 'deletion_confirmation', () => ({
      copyIds: deleted, fileName: t('file.deletion_confirmation', { number: intake.number }),
    }), { errorBox: box, testid: 'doc-deletion' }));
  }
  box.replaceChildren(...rows);
}

/** Moves that end an intake for good, with the question asked first (destruction has its own form). */
const CONFIRM = {
  handed_over: 'intake.confirm_handed_over',
  cancelled: 'intake.confirm_cancelled',
  declined: 'intake.confirm_declined',
};

function statusActions(page, intake, repaint) {
  const next = part(page, 'next');
  const formSlot = part(page, 'status-form');
  formSlot.replaceChildren();
  if (!intake.allowed_next.length) {
    next.replaceChildren(el('p', { class: 'muted', key: 'intake.final' }));
    return;
  }
  next.replaceChildren(el('span', { class: 'muted', key: 'intake.move_to' }), ...intake.allowed_next.map((status) => {
    const tone = status === 'cancelled' ? 'btn danger' : 'btn primary';
    const button = el('button', {
      type: 'button', class: tone, key: 'transition.' + status, 'data-status': status,
      'data-testid': `status-${status}`,
      onclick: async () => {
        if (status === 'destroyed') {
          const target = part(page, 'destruction-form').querySelector('select');
          target.scrollIntoView({ block: 'center' });
          target.focus();
          return;
        }
        const move = async () => {
          const fresh = await call('set_intake_status', { id: intake.id, status });
          toast('toast.status_changed', { status: t('status.' + status) });
          repaint(fresh);
        };
        // A move that ends the intake cannot be undone: ask first.
        if (CONFIRM[status]) {
          formSlot.replaceChildren(confirmBox(t(CONFIRM[status], { number: intake.number }), move, () => {
            formSlot.replaceChildren();
            button.focus();
          }, { testid: `confirm-${status}` }));
          return;
        }
        await attempt(button, formSlot, move);
      },
    });
    return button;
  }));
}

function copies(page, intake, repaint) {
  const card = part(page, 'copies-card');
  const relevant = intake.copies.length || ['data_recovery', 'backup_copy'].includes(intake.service);
  card.hidden = !relevant;
  if (!relevant) return;
  part(page, 'copies-intro').textContent = t('copies.intro', { days: session.settings?.copy_retention_days ?? 14 });
  const body = part(page, 'copies');
  if (!intake.copies.length) {
    body.replaceChildren(emptyState('copies.none'));
  } else {
    const rows = intake.copies.map((copy) => {
      const state = copy.deleted_at
        ? el('div', {}, badge('neutral', 'copies.deleted_on', { date: formatDate(copy.deleted_at) }),
          el('div', { class: 'muted small', text: [copy.deleted_by, copyMethodKey(copy.deletion_method) ? t(copyMethodKey(copy.deletion_method)) : copy.deletion_method].filter(Boolean).join(' · ') }))
        : copy.delete_due
          ? badge('warn', 'copies.due_on', { date: formatDate(copy.delete_due) })
          : badge('info', 'copies.kept_until_handover');
      const row = el('tr', {},
        el('td', { text: copy.label }),
        el('td', { text: copy.location }),
        el('td', { text: formatDate(copy.created_at) }),
        el('td', {}, state),
        el('td', { class: 'row-actions' }, copy.deleted_at ? null : el('button', {
          type: 'button', class: 'btn small', key: 'today.mark_deleted',
          onclick: () => {
            const open = row.nextElementSibling;
            if (open && open.classList.contains('inline-form-row')) return open.remove();
            const inline = inlineRow(5, copyDeletionForm(copy, async () => {
              toast('toast.copy_deleted');
              repaint(await call('intake', { id: intake.id }));
            }, { onCancel: () => inline.remove() }));
            row.after(inline);
            inline.querySelector('select').focus();
          },
        })));
      return row;
    });
    body.replaceChildren(dataTable([
      { key: 'copies.label' }, { key: 'copies.location' }, { key: 'copies.created' },
      { key: 'copies.state' }, { key: 'today.col_action', class: 'row-actions' },
    ], rows, { testid: 'copies-list' }));
  }
  const form = part(page, 'copy-form');
  form.hidden = !['received', 'in_progress', 'ready', 'held_for_destruction'].includes(intake.status);
  onSubmit(form, async (input) => {
    await call('add_copy', { intakeId: intake.id, input });
    form.reset();
    toast('toast.copy_added');
    repaint(await call('intake', { id: intake.id }));
  });
}

/** A device ready for pickup: when payment falls due (it moves the Norwegian letter date) and the letter. */
function pickup(page, intake, repaint) {
  const card = part(page, 'pickup-card');
  card.hidden = intake.status !== 'ready';
  if (card.hidden) return;
  const norwegian = session.shop?.jurisdiction !== 'SE';
  part(page, 'pickup-intro').textContent = t(norwegian ? 'pickup.intro' : 'pickup.intro_se');
  kv(part(page, 'pickup'), [
    ['pickup.payment_due', intake.payment_due_on ? formatDate(intake.payment_due_on) : t('pickup.at_pickup')],
    ['pickup.letter_sent', intake.letter_sent_at ? formatDate(intake.letter_sent_at) : ''],
  ]);
  const form = part(page, 'payment-due-form');
  form.hidden = Boolean(intake.letter_sent_at);
  form.elements.due.value = intake.payment_due_on || '';
  onSubmit(form, async ({ due }) => {
    const fresh = await call('set_payment_due', { id: intake.id, due });
    toast('toast.payment_due_set');
    repaint(fresh);
  });
}

function destruction(page, intake, repaint) {
  const card = part(page, 'destruction-card');
  const d = intake.destruction;
  card.hidden = !d;
  if (!d) return;
  kv(part(page, 'destruction'), [
    ['destruction.held_since', d.held_since ? formatDate(d.held_since) : ''],
    ['destruction.earliest', formatDate(d.earliest)],
    ['destruction.immediate', d.immediate ? t('common.yes') : ''],
    ['destruction.destroyed_at', d.destroyed_at ? formatDateTime(d.destroyed_at) : ''],
    ['destruction.destroyed_by', d.destroyed_by],
    ['destruction.category', d.category ? t('category.' + d.category) : ''],
    ['destruction.method', d.method ? t('method.' + d.method) : ''],
    ['destruction.din', d.din_class ? `${d.din_class}-${d.din_level} (${tv('din.', d.din_class)})` : ''],
    ['destruction.tool', d.tool],
    ['destruction.verification', d.verification],
    ['destruction.media', (d.media || []).map((m) =>
      [t('media_type.' + m.media_type), m.make, m.model, m.serial].filter(Boolean).join(' · ')).join('\n')],
    ['destruction.witness', [d.witness, d.witness_title, d.witnessed_on ? formatDate(d.witnessed_on) : ''].filter(Boolean).join(', ')],
    ['destruction.destination', d.destination],
  ]);
  const slot = part(page, 'destruction-form');
  slot.replaceChildren();
  if (intake.status === 'held_for_destruction') {
    slot.append(el('h3', { key: 'destruction.record_title' }), destructionForm(intake, (fresh) => {
      toast('toast.destroyed');
      repaint(fresh);
    }));
  }
}
