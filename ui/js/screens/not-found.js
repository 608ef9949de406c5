// Settings, privacy: requests about someone the register does not hold. They are registered
// and verified like a customer's, and answered with the letter "we hold no personal data about
// you", which the core refuses when the details given match a customer.

import { call } from '../api.js';
import { el, fillOptions } from '../dom.js';
import { LANGUAGES, t } from '../i18n.js';
import { emptyState } from '../table.js';
import { handOut } from '../documents.js';
import { addRequestForm, requestItem } from './requests.js';
import { session } from '../session.js';

let ids = 0;

/** The letter's fields (name, mobile, e-mail as the person gave them) and its buttons. */
function letterForm(r, errors) {
  const n = ++ids;
  const input = (name, type, labelKey, span) => el('div', { class: `field ${span}` },
    el('label', { for: `nf-${name}-${n}`, key: labelKey }),
    el('input', { id: `nf-${name}-${n}`, name, type, maxlength: name === 'name' ? '200' : '254' }));
  const language = el('select', { id: `nf-language-${n}`, name: 'language' });
  fillOptions(language, LANGUAGES, 'lang.');
  language.value = session.shop?.language || LANGUAGES[0];
  const form = el('form', { class: 'form', novalidate: true, 'data-testid': 'not-found-letter' },
    el('p', { class: 'muted small', key: 'not_found.letter_intro' }),
    el('div', { class: 'form-grid' },
      input('name', 'text', 'not_found.name', 'span-3'),
      input('mobile', 'tel', 'not_found.mobile', 'span-3'),
      input('email', 'email', 'not_found.email', 'span-3'),
      el('div', { class: 'field span-3' }, el('label', { for: language.id, key: 'not_found.language' }), language)));
  const args = (how) => {
    const v = Object.fromEntries(new FormData(form));
    return {
      requestId: r.id,
      requester: { name: v.name, mobile: v.mobile, email: v.email },
      language: v.language,
      how,
      fileName: t('file.not_found_answer', { id: r.id }),
    };
  };
  const print = el('button', {
    type: 'button', class: 'btn small', key: 'doc.print', 'data-testid': 'not-found-print',
    onclick: () => handOut('not_found_answer', args('print'), print, form),
  });
  const save = el('button', {
    type: 'button', class: 'btn small', key: 'doc.save',
    onclick: () => handOut('not_found_answer', args('save'), save, form),
  });
  form.append(el('div', { class: 'doc-row' }, el('span', { class: 'grow', key: 'not_found.letter' }), print, save));
  return form;
}

/** The not-found requests section: register one, then verify, answer with the letter, close. */
export async function notFoundRequests(box) {
  const errors = el('div');
  const list = el('div', { class: 'stack', 'data-testid': 'not-found-requests' });
  const paint = async () => {
    const all = (await call('requests', { openOnly: false })).filter((r) => r.customer_id === null);
    list.replaceChildren(...(all.length
      ? all.map((r) => {
        const item = requestItem(r, errors, paint);
        if (!r.closed) item.append(letterForm(r, errors));
        return item;
      })
      : [emptyState('not_found.none')]));
  };
  const form = addRequestForm(null, paint);
  const add = el('button', {
    type: 'button', class: 'btn', key: 'not_found.add', 'data-testid': 'not-found-add',
    onclick: () => { form.hidden = !form.hidden; },
  });
  box.append(el('div', { class: 'stack', 'data-testid': 'not-found-section' },
    errors, el('p', { class: 'muted small', key: 'not_found.intro' }), el('div', { class: 'actions' }, add), form, list));
  await paint();
}
