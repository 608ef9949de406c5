// Small DOM helpers. Data is always written with textContent, never parsed as HTML.

import { applyI18n, formatDate, has, t } from './i18n.js';

/** Creates an element. `props`: class, text, key (i18n), attrs, dataset, on* handlers. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name === 'key') {
      node.dataset.i18n = value;
      node.textContent = t(value);
    } else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const screens = new Map();

/** Clones a screen from ui/screens/<name>.html (static, ours) with its texts filled in. */
export async function screen(name) {
  if (!screens.has(name)) {
    const response = await fetch(`screens/${name}.html`);
    const template = document.createElement('template');
    template.innerHTML = await response.text();
    screens.set(name, template);
  }
  const fragment = screens.get(name).content.cloneNode(true);
  applyI18n(fragment);
  return fragment;
}

/** Finds the element marked `data-part="name"` under root. */
export function part(root, name) {
  return root.querySelector(`[data-part="${name}"]`);
}

/** The user's-language text for an error from a command. */
export function errorText(error) {
  const key = 'error.' + error.code;
  if (!has(key)) return error.message || t('error.internal');
  const params = { ...(error.params || {}) };
  if (params.date) params.date = formatDate(params.date);
  return t(key, params);
}

/** Removes every error shown in a form. */
export function clearErrors(form) {
  for (const node of form.querySelectorAll('.field-error, .form-error')) node.remove();
  for (const node of form.querySelectorAll('.field.invalid')) node.classList.remove('invalid');
  for (const node of form.querySelectorAll('[aria-invalid]')) {
    node.removeAttribute('aria-invalid');
    node.removeAttribute('aria-describedby');
  }
}

let errorIds = 0;

/**
 * Shows a command error next to the input named by `error.field`, or at the top of the form.
 * When the core refused several fields at once (`error.fields`), each gets its own message and
 * the first is focused. Returns the input focused, if any.
 */
export function showError(form, error) {
  clearErrors(form);
  const all = Array.isArray(error.fields) && error.fields.length ? error.fields : [error];
  let first = null;
  for (const one of [...all].reverse()) {
    const input = markError(form, { message: error.message, ...one });
    if (input) first = input;
  }
  if (first) first.focus();
  return first;
}

function markError(form, error) {
  const input = error.field ? form.querySelector(`[name="${CSS.escape(error.field)}"]`) : null;
  const message = el('p', { class: 'field-error', role: 'alert', id: `error-${++errorIds}`, text: errorText(error) });
  if (error.field) message.dataset.errorField = error.field;
  message.dataset.errorCode = error.code;
  const field = input ? input.closest('.field') || input.parentElement : null;
  if (field && !field.hidden) {
    field.classList.add('invalid');
    field.append(message);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', message.id);
    return input;
  }
  message.className = 'form-error';
  form.prepend(message);
  message.scrollIntoView({ block: 'nearest' });
  return null;
}

/**
 * An e-mail address that may break only after its "@" when the column is narrow, never inside
 * a word or at a dot; copying it still gives the address unchanged (a <wbr> adds no character).
 */
export function emailText(address) {
  const at = address.lastIndexOf('@');
  if (at < 1) return [address];
  return [address.slice(0, at + 1), el('wbr'), address.slice(at + 1)];
}

/** Reads a form's named inputs into an object: checkboxes as booleans, the rest as strings. */
export function readForm(form) {
  const values = {};
  for (const input of form.querySelectorAll('input[name], select[name], textarea[name]')) {
    if (input.type === 'radio') {
      if (input.checked) values[input.name] = input.value;
    } else if (input.type === 'checkbox') {
      values[input.name] = input.checked;
    } else {
      values[input.name] = input.value;
    }
  }
  return values;
}

/** Writes an object into a form's named inputs. */
export function fillForm(form, values) {
  for (const input of form.querySelectorAll('input[name], select[name], textarea[name]')) {
    if (!(input.name in values)) continue;
    const value = values[input.name];
    if (input.type === 'radio') input.checked = input.value === String(value);
    else if (input.type === 'checkbox') input.checked = Boolean(value);
    else input.value = value ?? '';
  }
}

/** Fills a <select> with options whose labels come from the catalog (`prefix + value`). */
export function fillOptions(select, values, prefix) {
  select.replaceChildren(...values.map((v) => el('option', { value: v, key: prefix + v })));
}

/** Runs an async action with its button disabled, so a double click does not submit twice. */
export async function busy(button, action) {
  if (button) button.disabled = true;
  document.body.classList.add('busy');
  try {
    return await action();
  } finally {
    if (button) button.disabled = false;
    document.body.classList.remove('busy');
  }
}

/**
 * The one way a form submits: no page load, old errors cleared, the pressed button disabled while
 * `action(values, event)` runs, and a refusal shown at its field. An action refuses the way the
 * core does, by throwing `{ code, field }`. Assigned, not added, so a screen that repaints a form
 * never stacks two handlers.
 */
export function onSubmit(form, action) {
  form.onsubmit = (event) => {
    event.preventDefault();
    clearErrors(form);
    const button = event.submitter || form.querySelector('[type="submit"]');
    return busy(button, async () => {
      try {
        await action(readForm(form), event);
      } catch (error) {
        showError(form, error);
      }
    });
  };
  return form;
}

/** Runs a button's action the way a form submits: errors are shown in `errors` (a form or a box). */
export function attempt(button, errors, action) {
  return busy(button, async () => {
    clearErrors(errors);
    try {
      await action();
    } catch (error) {
      showError(errors, error);
    }
  });
}

/** Makes `attempt` the button's click action. */
export function onClick(button, errors, action) {
  button.onclick = () => attempt(button, errors, action);
  return button;
}

let toastTimer = null;

export function toast(key, params) {
  const node = document.getElementById('toast');
  node.textContent = t(key, params);
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    node.hidden = true;
    node.textContent = '';
  }, 3500);
}
