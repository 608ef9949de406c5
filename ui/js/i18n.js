// String catalogs and locale formatting. Every user-facing text comes from ui/i18n/<lang>.json.

export const LANGUAGES = ['nb', 'sv', 'en'];
const STORAGE_KEY = 'skranke.language';
const REGION = { nb: 'nb-NO', sv: 'sv-SE', en: 'en-GB' };

let catalog = {};
let language = 'en';
const listeners = new Set();

/** The language this computer asked for last, else the OS language, else English. */
export function preferredLanguage() {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (LANGUAGES.includes(stored)) return stored;
  return languageOf(navigator.language || 'en');
}

/** Maps a BCP 47 tag to one of our catalogs: Norwegian (nb, nn, no) → nb, Swedish → sv. */
export function languageOf(tag) {
  const base = String(tag).toLowerCase().split(/[-_]/)[0];
  if (base === 'nb' || base === 'nn' || base === 'no') return 'nb';
  if (base === 'sv') return 'sv';
  return 'en';
}

export async function setLanguage(lang, { remember = false } = {}) {
  if (!LANGUAGES.includes(lang)) lang = 'en';
  const response = await fetch(`i18n/${lang}.json`);
  catalog = await response.json();
  language = lang;
  if (remember) localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  applyI18n(document);
  for (const listener of listeners) listener(lang);
}

export function currentLanguage() {
  return language;
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(catalog, key);
}

/** Parameters whose number chooses a plural form, in the order they are looked for. */
const PLURAL_PARAMS = ['count', 'days', 'years', 'months'];

/**
 * Translates `key`, filling `{name}` placeholders from `params`. A key with plural forms
 * (`key.one`, `key.other`) takes the form `Intl.PluralRules` gives for its number ("1 dag",
 * "2 dager"); the documents use the same rule. A missing key shows itself.
 */
export function t(key, params) {
  if (!has(key) && params) {
    const name = PLURAL_PARAMS.find((p) => Object.prototype.hasOwnProperty.call(params, p));
    if (name !== undefined) {
      const form = new Intl.PluralRules(REGION[language]).select(Number(params[name]));
      key = has(`${key}.${form}`) ? `${key}.${form}` : `${key}.other`;
    }
  }
  let text = has(key) ? catalog[key] : key;
  if (params) {
    text = text.replace(/\{(\w+)\}/g, (whole, name) =>
      Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole);
  }
  return text;
}

/** Fills every data-i18n* attribute under `root`. */
export function applyI18n(root) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of root.querySelectorAll('[data-i18n-aria-label]')) node.setAttribute('aria-label', t(node.dataset.i18nAriaLabel));
  for (const node of root.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
}

/** The locale dates and numbers are written in: the OS region when it speaks our language. */
export function locale() {
  const os = navigator.language || '';
  return languageOf(os) === language && os.includes('-') ? os : REGION[language];
}

/** A calendar date (`2026-03-01`) or a timestamp, as the locale writes a date. */
export function formatDate(value) {
  const date = toDate(value);
  return date ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(date) : '';
}

export function formatDateTime(value) {
  const date = toDate(value);
  return date ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(date) : '';
}

export function formatLongDate(value) {
  const date = toDate(value);
  return date ? new Intl.DateTimeFormat(locale(), { dateStyle: 'full' }).format(date) : '';
}

export function formatNumber(value) {
  return new Intl.NumberFormat(locale()).format(value);
}

function toDate(value) {
  if (!value) return null;
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (plain) return new Date(Number(plain[1]), Number(plain[2]) - 1, Number(plain[3]));
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A vocabulary value in the user's language; values we do not know are shown as stored. */
export function tv(prefix, value) {
  return has(prefix + value) ? t(prefix + value) : String(value ?? '');
}

/** An E.164 number as people read it: +47 912 34 567, +46 70 123 45 67. Others unchanged. */
/** A postcode that never wraps: the Swedish "452 30" keeps its space unbroken. */
export function postcode(value) {
  return String(value || '').replace(/ /g, '\u00a0');
}

export function formatPhone(e164) {
  const value = String(e164 || '');
  const no = /^\+47(\d{3})(\d{2})(\d{3})$/.exec(value);
  if (no) return `+47 ${no[1]} ${no[2]} ${no[3]}`;
  const se = /^\+46(\d{2})(\d{3})(\d{2})(\d{2})$/.exec(value);
  if (se) return `+46 ${se[1]} ${se[2]} ${se[3]} ${se[4]}`;
  return value;
}
