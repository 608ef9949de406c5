// Screen 6: the counter flow. Pick or create the customer, describe the device, save.

import { call } from '../api.js';
import { el, fillOptions, onSubmit, part, screen, toast } from '../dom.js';
import { searchList } from '../search-list.js';
import { formatPhone, t } from '../i18n.js';
import { paperSelect } from '../paper.js';
import { handOut } from '../documents.js';
import { ACCESS, DEVICE_TYPES, SERVICES } from '../vocab.js';
import { keyboardForm } from '../keys.js';

export async function render(page, { query }, { navigate }) {
  const fragment = await screen('intake-new');
  const form = part(fragment, 'form');
  fillOptions(form.elements.device_type, DEVICE_TYPES, 'device.');
  fillOptions(form.elements.service, SERVICES, 'service.');
  part(fragment, 'access').replaceChildren(...ACCESS.map((value, index) => el('label', { class: 'choice-card' },
    el('input', { type: 'radio', name: 'access', value, checked: index === 0 }),
    el('span', {}, el('strong', { key: 'access.' + value }), el('br'), el('span', { class: 'small muted', key: `access.${value}_help` })))));

  const picker = part(fragment, 'picker');
  const selected = part(fragment, 'selected');
  const input = part(fragment, 'query');
  const choose = (customer) => {
    form.elements.customer_id.value = String(customer.id);
    part(selected, 'selected-name').textContent = customer.name;
    part(selected, 'selected-contact').textContent = [formatPhone(customer.mobile), customer.email].filter(Boolean).join(' · ');
    picker.hidden = true;
    selected.hidden = false;
    form.elements.device_type.focus();
    offerEarlierDevices(part(selected, 'earlier'), customer.id, form);
  };
  part(fragment, 'change').addEventListener('click', () => {
    form.elements.customer_id.value = '';
    selected.hidden = true;
    picker.hidden = false;
    input.focus();
  });
  const run = searchList(input, part(fragment, 'results'), choose, { compact: true });
  // Nobody found: the new-customer form starts with what was typed (a name or a phone).
  const newCustomer = part(fragment, 'new-customer');
  input.addEventListener('input', () => {
    const typed = input.value.trim();
    newCustomer.href = '#/customers/new?then=intake' + (typed ? '&q=' + encodeURIComponent(typed) : '');
  });

  const immediate = part(fragment, 'immediate');
  const sync = () => { immediate.hidden = form.elements.service.value !== 'destruction'; };
  form.elements.service.addEventListener('change', sync);
  sync();

  const paper = paperSelect();
  part(fragment, 'paper').append(paper);
  const saveOnly = part(fragment, 'save-only');
  keyboardForm(form, part(fragment, 'save-print'));

  onSubmit(form, async (values, event) => {
    const print = event.submitter !== saveOnly;
    if (!values.customer_id) throw { code: 'customer_required', field: 'customer_search' };
    const intakeInput = {
      customer_id: Number(values.customer_id),
      device_type: values.device_type,
      make: values.make,
      model: values.model,
      serial: values.serial,
      accessories: values.accessories,
      condition: values.condition,
      fault: values.fault,
      service: values.service,
      estimate: values.estimate,
      access: values.access,
      immediate_destruction: values.service === 'destruction' && values.immediate_destruction,
    };
    const saved = await call('add_intake', { input: intakeInput });
    toast('toast.intake_created', { number: saved.number });
    if (print) {
      // The intake is saved either way; a printing problem is reported on its screen.
      await handOut('receipt', {
        intakeId: saved.id, paper: paper.value, how: 'print', fileName: t('file.receipt', { number: saved.number }),
      }, null).catch(() => toast('toast.receipt_failed'));
    }
    navigate(`#/intake/${saved.id}`);
  });

  page.append(fragment);
  const preselected = Number(query.get('customer'));
  if (preselected) {
    const customer = await call('customer', { id: preselected });
    choose(customer);
    form.elements.device_type.setAttribute('data-autofocus', '');
  } else {
    input.setAttribute('data-autofocus', '');
    await run();
  }
}

/** A returning customer's earlier devices (the three most recent different ones), each a click
 * that fills in type, make, model and serial. */
async function offerEarlierDevices(box, customerId, form) {
  box.replaceChildren();
  const earlier = await call('intakes_for_customer', { customerId }).catch(() => []);
  const seen = new Set();
  const devices = earlier.filter((i) => {
    const key = [i.device_type, i.make, i.model].join('|');
    if (!(i.make || i.model) || seen.has(key)) return false;
    seen.add(key);
    return true;
  }).slice(0, 3);
  box.replaceChildren(...devices.map((summary) => el('button', {
    type: 'button', class: 'btn small', 'data-testid': 'earlier-device',
    text: t('intake_new.same_device', { number: summary.number, device: [summary.make, summary.model].filter(Boolean).join(' ') }),
    onclick: async () => {
      const full = await call('intake', { id: summary.id });
      form.elements.device_type.value = full.device_type;
      form.elements.make.value = full.make;
      form.elements.model.value = full.model;
      form.elements.serial.value = full.serial;
      form.elements.accessories.focus();
    },
  })));
}
