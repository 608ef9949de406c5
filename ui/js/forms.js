// Forms used on more than one screen: destruction record, copy deletion, handover confirm.

import { call } from './api.js';
import { busy, clearErrors, el, fillOptions, readForm, showError } from './dom.js';
import { CATEGORIES, DIN_CLASSES, METHODS } from './vocab.js';
import { t } from './i18n.js';

/** The DIN 66399 material class a device type normally falls in; only a default. */
const DIN_CLASS_OF = {
  hdd: 'H', laptop: 'H', desktop: 'H', ssd: 'E', phone: 'E', tablet: 'E',
  usb_or_memory_card: 'E', optical_disc: 'O', paper: 'P', other: 'H',
};
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

/** Records that a held device was destroyed. `onDone(intake)` gets the updated intake. */
export function destructionForm(intake, onDone, { onCancel } = {}) {
  const n = ++formIds;
  const remembered = JSON.parse(localStorage.getItem(EQUIPMENT_KEY) || '{}');
  const form = el('form', { class: 'form', novalidate: true, 'data-testid': 'destruction-form' },
    el('div', { class: 'form-grid' },
      field(`df-cat-${n}`, 'destruction.category', select(`df-cat-${n}`, 'category', CATEGORIES, 'category.')),
      field(`df-method-${n}`, 'destruction.method', select(`df-method-${n}`, 'method', METHODS, 'method.')),
      field(`df-class-${n}`, 'destruction.din_class', dinSelect(`df-class-${n}`), 'span-2'),
      field(`df-level-${n}`, 'destruction.din_level', select(`df-level-${n}`, 'din_level', ['1', '2', '3', '4', '5', '6', '7']), 'span-1'),
      field(`df-tool-${n}`, 'destruction.tool', el('input', { id: `df-tool-${n}`, name: 'tool', type: 'text', maxlength: '120' }), 'span-2'),
      field(`df-ver-${n}`, 'destruction.verification', el('input', { id: `df-ver-${n}`, name: 'verification', type: 'text', maxlength: '200' }), 'span-3'),
      field(`df-wit-${n}`, 'destruction.witness', el('input', { id: `df-wit-${n}`, name: 'witness', type: 'text', maxlength: '80' }), 'span-2'),
      field(`df-dest-${n}`, 'destruction.destination', el('input', { id: `df-dest-${n}`, name: 'destination', type: 'text', maxlength: '120' }), 'span-3')),
    el('div', { class: 'form-actions' },
      el('button', { type: 'submit', class: 'btn primary', key: 'destruction.save', 'data-testid': 'destruction-save' }),
      onCancel ? el('button', { type: 'button', class: 'btn ghost', key: 'common.cancel', onclick: onCancel }) : null));
  form.elements.category.value = remembered.category || 'destroy';
  form.elements.method.value = remembered.method || 'shred';
  form.elements.din_class.value = DIN_CLASS_OF[intake.device_type] || 'H';
  form.elements.din_level.value = remembered.din_level || '5';
  form.elements.tool.value = remembered.tool || '';
  form.elements.verification.value = remembered.verification || '';
  form.elements.destination.value = remembered.destination || '';
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const values = readForm(form);
    const input = { ...values, din_level: Number(values.din_level) };
    await busy(form.querySelector('[type="submit"]'), async () => {
      try {
        const updated = await call('record_destruction', { id: intake.id, input });
        const { category, method, din_level, tool, verification, destination } = values;
        localStorage.setItem(EQUIPMENT_KEY, JSON.stringify({ category, method, din_level, tool, verification, destination }));
        onDone(updated);
      } catch (error) {
        showError(form, error);
      }
    });
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
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    await busy(form.querySelector('[type="submit"]'), async () => {
      try {
        onDone(await call('mark_copy_deleted', { copyId: copy.id, method: form.elements.deletion_method.value }));
      } catch (error) {
        showError(form, error);
      }
    });
  });
  return form;
}

/** Shows a stored deletion method in the user's language when it is one of ours. */
export function copyMethodKey(method) {
  return COPY_DELETION_METHODS.includes(method) ? 'copy_method.' + method : null;
}

/** A row that opens below another to hold an inline form. */
export function inlineRow(columns, content) {
  return el('tr', { class: 'inline-form-row' }, el('td', { colspan: String(columns) }, content));
}
