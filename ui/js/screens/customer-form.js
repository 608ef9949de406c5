// Create or edit a customer; the core's validation shows next to the field it names.

import { call } from '../api.js';
import { fillForm, fillOptions, onSubmit, part, readForm, screen, toast } from '../dom.js';
import { LANGUAGES, currentLanguage, formatDate, t } from '../i18n.js';
import { session } from '../session.js';
import { CONSENT_CHANNELS } from '../vocab.js';
import { keyboardForm } from '../keys.js';

export async function render(page, { match, query }, { navigate }) {
  const id = match[0] ? Number(match[0]) : null;
  const [fragment, existing] = await Promise.all([screen('customer-form'), id ? call('customer', { id }) : null]);
  const form = part(fragment, 'form');
  const title = part(fragment, 'title');
  title.dataset.i18n = id ? 'customer_form.edit_title' : 'customer_form.new_title';
  title.textContent = t(title.dataset.i18n);
  fillOptions(form.elements.country, ['NO', 'SE'], 'country.');
  fillOptions(form.elements.language, LANGUAGES, 'lang.');
  fillOptions(form.elements.consent_channel, CONSENT_CHANNELS, 'channel.');
  const then = query.get('then');
  const cancel = part(fragment, 'cancel');
  cancel.href = id ? `#/customer/${id}` : then === 'intake' ? '#/intake/new' : '#/customers';

  if (existing) {
    fillForm(form, {
      ...existing,
      birth_date: writeDate(existing.birth_date),
      adult_confirmed: Boolean(existing.adult_confirmed),
      consent_channel: existing.consents[0]?.channel || 'counter',
    });
    if (existing.adult_confirmed) {
      part(fragment, 'adult-by').textContent = t('customer.adult_confirmed_at', { date: formatDate(existing.adult_confirmed.at) });
    }
  } else {
    fillForm(form, {
      country: session.shop?.jurisdiction || 'NO',
      language: currentLanguage(),
      consent_channel: 'counter',
      ...carried(query.get('q') || ''),
    });
  }
  const orgField = part(fragment, 'org-field');
  const channelField = part(fragment, 'channel-field');
  const adultField = part(fragment, 'adult-field');
  const sync = () => {
    const values = readForm(form);
    orgField.hidden = values.kind !== 'business';
    // Without a birth date the clerk confirms the customer is an adult (a business is not a person).
    adultField.hidden = values.kind === 'business' || values.birth_date.trim() !== '';
    channelField.hidden = !form.elements.newsletter.checked;
  };
  form.addEventListener('change', sync);
  form.addEventListener('input', sync);
  sync();
  keyboardForm(form, form.querySelector('[type="submit"]'));

  onSubmit(form, async (values) => {
    const input = {
      name: values.name,
      street: values.street,
      postcode: values.postcode,
      city: values.city,
      country: values.country,
      mobile: values.mobile,
      email: values.email,
      birth_date: normaliseDate(values.birth_date),
      adult_confirmed: values.adult_confirmed,
      kind: values.kind,
      org_number: values.kind === 'business' ? values.org_number : '',
      language: values.language,
      newsletter: values.newsletter,
      consent_channel: values.newsletter ? values.consent_channel : '',
      notes: values.notes,
    };
    if (input.birth_date === undefined) throw { code: 'date_format', field: 'birth_date' };
    const saved = id ? await call('update_customer', { id, input }) : await call('add_customer', { input });
    toast(id ? 'toast.customer_saved' : 'toast.customer_created');
    navigate(then === 'intake' ? `#/intake/new?customer=${saved.id}` : `#/customer/${saved.id}`);
  });
  page.append(fragment);
}

/** Country and document language a phone number's prefix suggests (+46 Sweden, +47 Norway). */
const PREFIXES = [['+46', 'SE', 'sv'], ['0046', 'SE', 'sv'], ['+47', 'NO', 'nb'], ['0047', 'NO', 'nb']];

/**
 * What the search box held when nobody was found: a phone number goes to the mobile field (its
 * prefix sets country and language), anything else to the name.
 */
function carried(text) {
  if (!text) return {};
  if (!/^[+\d][\d\s-]{5,}$/.test(text)) return { name: text };
  const compact = text.replace(/[\s-]/g, '');
  const prefix = PREFIXES.find(([p]) => compact.startsWith(p));
  return prefix ? { mobile: text, country: prefix[1], language: prefix[2] } : { mobile: text };
}

/** `null` for empty; ISO for 1981-12-18, 18.12.1981, 18/12/1981 or 18-12-1981; `undefined` if unreadable. */
function normaliseDate(text) {
  const value = text.trim();
  if (!value) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const local = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(value);
  if (local) return `${local[3]}-${local[2].padStart(2, '0')}-${local[1].padStart(2, '0')}`;
  return undefined;
}

/** A stored ISO date the way this language's placeholder asks for it. */
function writeDate(iso) {
  if (!iso) return '';
  const [y, m, d] = iso.split('-');
  if (currentLanguage() === 'sv') return iso;
  return currentLanguage() === 'nb' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`;
}
