// Forms used on more than one screen: destruction record, copy deletion, handover confirm.

import { call } from './api.js';
import { el, fillOptions, onClick, onSubmit } from './dom.js';
import { CATEGORIES, DIN_CLASSES, MEDIA_TYPES, METHODS, METHODS_OF } from './vocab.js';
import { session } from './session.js';
import { t } from './i18n.js';

/** The DIN 66399 material class a device type normally falls in; only a default. */
const DIN_CLASS_OF = {
  hdd: 'H', laptop: 'H', desktop: 'H', ssd: 'E', phone: 'E', tablet: 'E',
  usb_or_memory_card: 'E', optical_disc: 'O', paper: 'P', other: 'H',
};
/** Devices whose data sits on storage media inside them: each medium is listed. */
const HOLDS_MEDIA = ['laptop', 'desktop', 'phone', 'tablet'];
/** Equipment details are the shop's, not a customer's; the last ones used are offered again. */
const EQUIPMENT_KEY = 'skranke.destruction-equipment';

function field(id, labelKey, input, span) {
  return el('div', { class: `field ${span || 'span-2'}` }, el('label', { for: id, key: labelKey }), input);
}

function select(id, name, values, prefix) {
  const node = el('select', { id, name });
  if (prefix) fillOptions(node, values, prefix);
  else node.replaceChildren(...values.map((v) => el('option', { value: v, text: v })));
  return node;
}

/** DIN classes with their letter first: "H – hard disks". */
function dinSelect(id) {
  return el('select', { id, name: 'din_class' },
    DIN_CLASSES.map((c) => el('option', { value: c, text: `${c} – ${t('din.' + c)}` })));
}

let formIds = 0;

/** One storage medium taken out of the device: type, make, model, serial. */
function mediumRow(n, index) {
  const id = (part) => `df-m${index}-${part}-${n}`;
  return el('div', { class: 'form-grid medium-row', 'data-testid': 'medium-row' },
    field(id('type'), 'destruction.medium_type', select(id('type'), 'medium_type', MEDIA_TYPES, 'media_type.'), 'span-1'),
    field(id('make'), 'destruction.medium_make', el('input', { id: id('make'), name: 'medium_make', type: 'text', maxlength: '80' }), 'span-1'),
    field(id('model'), 'destruction.medium_model', el('input', { id: id('model'), name: 'medium_model', type: 'text', maxlength: '120' }), 'span-2'),
    field(id('serial'), 'destruction.medium_serial', el('input', { id: id('serial'), name: 'medium_serial', type: 'text', maxlength: '64' }), 'span-2'));
}

/**
 * Records that a held device was destroyed or sanitised. `onDone(intake)` gets the updated
 * intake. DIN class and level belong to physical destruction only; the level offered is the
 * one the shop's equipment reaches (Settings), never below 3 (personal data).
 */
export function destructionForm(intake, onDone, { onCancel } = {}) {
  const n = ++formIds;
  const remembered = JSON.parse(localStorage.getItem(EQUIPMENT_KEY) || '{}');
  const witnesses = (session.staff || []).filter((s) => s.active);
  // Name and title, as the certificate prints them.
  const staffOptions = [el('option', { value: '', key: 'destruction.witness_outside' }),
    ...witnesses.map((s) => el('option', { value: String(s.id), text: s.title ? `${s.name}, ${s.title}` : s.name }))];
  const mediaList = el('div', { 'data-part': 'media' });
  const addMedium = el('button', { type: 'button', class: 'btn small', key: 'destruction.add_medium' });
  const mediaBox = el('fieldset', { class: 'field span-6', 'data-part': 'media-field' },
    el('legend', { key: 'destruction.media' }),
    el('span', { class: 'hint', key: 'destruction.media_hint' }),
    el('input', { type: 'hidden', name: 'media' }), mediaList, addMedium);
  const languageHint = el('p', { class: 'hint span-6', text: t('destruction.language_hint', { language: t('lang.' + intake.customer_language) }) });
  const form = el('form', { class: 'form', novalidate: true, 'data-testid': 'destruction-form' },
    el('div', { class: 'form-grid' },
      field(`df-cat-${n}`, 'destruction.category', select(`df-cat-${n}`, 'category', CATEGORIES, 'category.')),
      field(`df-method-${n}`, 'destruction.method', select(`df-method-${n}`, 'method', METHODS, 'method.')),
      field(`df-class-${n}`, 'destruction.din_class', dinSelect(`df-class-${n}`), 'span-2 din-field'),
      field(`df-level-${n}`, 'destruction.din_level', el('select', { id: `df-level-${n}`, name: 'din_level' }), 'span-2 din-field'),
      languageHint,
      field(`df-tool-${n}`, 'destruction.tool', el('input', { id: `df-tool-${n}`, name: 'tool', type: 'text', maxlength: '120' }), 'span-2'),
      field(`df-ver-${n}`, 'destruction.verification', el('input', { id: `df-ver-${n}`, name: 'verification', type: 'text', maxlength: '200' }), 'span-4'),
      mediaBox,
      field(`df-wstaff-${n}`, 'destruction.witness_staff', el('select', { id: `df-wstaff-${n}`, name: 'witness_staff_id' }, ...staffOptions), 'span-3'),
      field(`df-wit-${n}`, 'destruction.witness', el('input', { id: `df-wit-${n}`, name: 'witness', type: 'text', maxlength: '80' }), 'span-3 outside-witness'),
      field(`df-wtitle-${n}`, 'destruction.witness_title', el('input', { id: `df-wtitle-${n}`, name: 'witness_title', type: 'text', maxlength: '80' }), 'span-2'),
      field(`df-wdate-${n}`, 'destruction.witnessed_on', el('input', { id: `df-wdate-${n}`, name: 'witnessed_on', type: 'date' }), 'span-1'),
      field(`df-dest-${n}`, 'destruction.destination', el('input', { id: `df-dest-${n}`, name: 'destination', type: 'text', maxlength: '120' }), 'span-6')),
    el('div', { class: 'form-actions' },
      el('button', { type: 'submit', class: 'btn primary', key: 'destruction.save', 'data-testid': 'destruction-save' }),
      onCancel ? el('button', { type: 'button', class: 'btn ghost', key: 'common.cancel', onclick: onCancel }) : null));
  let rows = 0;
  addMedium.addEventListener('click', () => mediaList.append(mediumRow(n, ++rows)));
  mediaBox.hidden = !HOLDS_MEDIA.includes(intake.device_type);
  if (!mediaBox.hidden) mediaList.append(mediumRow(n, ++rows));
  let reach = [];
  call('din_level_settings').then((levels) => { reach = levels; sync(); }).catch(() => {});
  const els = form.elements;
  const sync = () => {
    const physical = els.category.value === 'destroy';
    const allowed = METHODS_OF[els.category.value];
    for (const option of els.method.options) option.hidden = !allowed.includes(option.value);
    if (!allowed.includes(els.method.value)) els.method.value = allowed[0];
    for (const node of form.querySelectorAll('.din-field')) node.hidden = !physical;
    // Offer 3 up to what the shop's equipment reaches with this method on this class.
    const setting = reach.find((s) => s.method === els.method.value && s.din_class === els.din_class.value);
    const top = setting ? setting.level : 7;
    const keep = els.din_level.value;
    els.din_level.replaceChildren(...[3, 4, 5, 6, 7].filter((l) => l <= top).map((l) =>
      el('option', { value: String(l), text: `${els.din_class.value}-${l}: ${t(`din_level.${els.din_class.value}.${l}`)}` })));
    els.din_level.value = setting ? String(setting.level) : keep;
    if (!els.din_level.value && els.din_level.options.length) els.din_level.value = els.din_level.options[els.din_level.options.length - 1].value;
    form.querySelector('.outside-witness').hidden = els.witness_staff_id.value !== '';
    // An empty title prints the staff list's title: show which.
    const picked = witnesses.find((s) => String(s.id) === els.witness_staff_id.value);
    els.witness_title.placeholder = picked ? picked.title : '';
  };
  els.category.value = remembered.category || 'destroy';
  sync();
  els.method.value = remembered.method || els.method.value;
  els.din_class.value = DIN_CLASS_OF[intake.device_type] || 'H';
  els.tool.value = remembered.tool || '';
  els.verification.value = remembered.verification || '';
  els.destination.value = remembered.destination || '';
  sync();
  form.addEventListener('change', sync);
  onSubmit(form, async (values) => {
    const physical = values.category === 'destroy';
    const media = [...mediaList.querySelectorAll('.medium-row')].map((row) => ({
      media_type: row.querySelector('[name="medium_type"]').value,
      make: row.querySelector('[name="medium_make"]').value,
      model: row.querySelector('[name="medium_model"]').value,
      serial: row.querySelector('[name="medium_serial"]').value,
    })).filter((m) => m.make.trim() || m.model.trim() || m.serial.trim());
    const input = {
      category: values.category,
      method: values.method,
      tool: values.tool,
      verification: values.verification,
      din_class: physical ? values.din_class : null,
      din_level: physical && values.din_level ? Number(values.din_level) : null,
      witness_staff_id: values.witness_staff_id ? Number(values.witness_staff_id) : null,
      witness: values.witness_staff_id ? '' : values.witness,
      witness_title: values.witness_title,
      witnessed_on: values.witnessed_on || null,
      destination: values.destination,
      media,
    };
    const updated = await call('record_destruction', { id: intake.id, input });
    const { category, method, tool, verification, destination } = values;
    localStorage.setItem(EQUIPMENT_KEY, JSON.stringify({ category, method, tool, verification, destination }));
    onDone(updated);
  });
  return form;
}

export const COPY_DELETION_METHODS = ['overwrite', 'crypto_erase', 'physical_destruction'];

/** Records that a data copy was deleted. */
export function copyDeletionForm(copy, onDone, { onCancel } = {}) {
  const n = ++formIds;
  const form = el('form', { class: 'form', novalidate: true, 'data-testid': 'copy-delete-form' },
    el('div', { class: 'form-grid' },
      field(`cd-method-${n}`, 'copies.deletion_method', select(`cd-method-${n}`, 'deletion_method', COPY_DELETION_METHODS, 'copy_method.'), 'span-3')),
    el('div', { class: 'form-actions' },
      el('button', { type: 'submit', class: 'btn primary', key: 'copies.confirm_deleted' }),
      onCancel ? el('button', { type: 'button', class: 'btn ghost', key: 'common.cancel', onclick: onCancel }) : null));
  return onSubmit(form, async ({ deletion_method: method }) => {
    onDone(await call('mark_copy_deleted', { copyId: copy.id, method }));
  });
}

/** Shows a stored deletion method in the user's language when it is one of ours. */
export function copyMethodKey(method) {
  return COPY_DELETION_METHODS.includes(method) ? 'copy_method.' + method : null;
}

/** A row that opens below another to hold an inline form. */
export function inlineRow(columns, content) {
  return el('tr', { class: 'inline-form-row' }, el('td', { colspan: String(columns) }, content));
}

/**
 * Asks before a step that cannot be undone. The confirm button takes the focus, so Enter
 * confirms and Esc (or Cancel) steps back; `action()` runs once, its error shows in the box.
 */
export function confirmBox(question, action, onCancel, { testid = 'confirm' } = {}) {
  const box = el('div', { class: 'actions confirm-box', role: 'alertdialog', 'data-testid': testid });
  const text = el('span', { class: 'grow', text: question });
  const confirm = onClick(el('button', {
    type: 'button', class: 'btn primary small', key: 'today.confirm', 'data-testid': `${testid}-yes`,
  }), box, action);
  const cancel = el('button', { type: 'button', class: 'btn ghost small', key: 'common.cancel', onclick: onCancel });
  box.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
    }
  });
  box.append(text, confirm, cancel);
  queueMicrotask(() => confirm.focus());
  return box;
}
