// Boot, routing, the counter person, auto-lock and the Lock button.

import { call, whenLocked, whenOwnerNeeded } from './api.js';
import { applyI18n, onLanguageChange, preferredLanguage, setLanguage, t } from './i18n.js';
import { el, errorText } from './dom.js';
import { session, wipe, activeStaff } from './session.js';
import { showShortcuts, watchCapsLock } from './keys.js';
import { confirmOwner, takeCounter } from './pin.js';
import * as firstRun from './screens/first-run.js';
import * as unlock from './screens/unlock.js';
import * as today from './screens/today.js';
import * as customers from './screens/customers.js';
import * as customer from './screens/customer.js';
import * as customerForm from './screens/customer-form.js';
import * as intakeNew from './screens/intake-new.js';
import * as intake from './screens/intake.js';
import * as settings from './screens/settings.js';
import * as log from './screens/log.js';

const gate = document.getElementById('gate');
const workspace = document.getElementById('workspace');
const view = document.getElementById('view');

/** Hash routes: `#/customer/12` → customer screen with id 12. */
const routes = [
  { pattern: /^\/today$/, screen: today, nav: 'today' },
  { pattern: /^\/customers$/, screen: customers, nav: 'customers' },
  { pattern: /^\/customers\/new$/, screen: customerForm, nav: 'customers' },
  { pattern: /^\/customer\/(\d+)$/, screen: customer, nav: 'customers' },
  { pattern: /^\/customer\/(\d+)\/edit$/, screen: customerForm, nav: 'customers' },
  { pattern: /^\/intake\/new$/, screen: intakeNew, nav: 'intake-new' },
  { pattern: /^\/intake\/(\d+)$/, screen: intake, nav: null },
  { pattern: /^\/settings$/, screen: settings, nav: 'settings' },
  { pattern: /^\/log$/, screen: log, nav: 'log' },
];

let renderCount = 0;
let cleanup = null;

export function navigate(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

async function render() {
  if (workspace.hidden) return;
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const route = routes.find((r) => r.pattern.test(path));
  if (!route) {
    navigate('#/today');
    return;
  }
  const params = { match: path.match(route.pattern).slice(1), query: new URLSearchParams(query) };
  for (const link of document.querySelectorAll('.nav-link')) {
    if (link.dataset.route === route.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const mine = ++renderCount;
  if (cleanup) cleanup();
  cleanup = null;
  const page = el('div', { class: 'page' });
  try {
    cleanup = (await route.screen.render(page, params, screenContext)) || null;
  } catch (error) {
    if (error && error.code === 'locked') return;
    page.replaceChildren(el('p', { class: 'form-error', role: 'alert', text: errorText(error || {}) }));
  }
  if (mine !== renderCount) return;
  view.replaceChildren(page);
  view.scrollTop = 0;
  const first = page.querySelector('[data-autofocus]');
  (first || view).focus();
}

// ------------------------------------------------------------------ session

/** Loads what every screen shows around its content, after an unlock. */
async function loadSession() {
  const [shop, settingsValue, staff, actor] = await Promise.all([
    call('shop'),
    call('settings'),
    call('staff'),
    call('actor'),
  ]);
  Object.assign(session, { shop, settings: settingsValue, staff, actor });
}

function renderChrome() {
  document.getElementById('shop-name').textContent = session.shop ? session.shop.name : '';
  const select = document.getElementById('actor-select');
  select.replaceChildren(...activeStaff().map((s) => el('option', { value: s.id, text: s.name })));
  select.value = String(session.actor ?? '');
}

export async function enterWorkspace() {
  await loadSession();
  gate.hidden = true;
  gate.replaceChildren();
  workspace.hidden = false;
  renderChrome();
  idle.start(session.settings.auto_lock_minutes);
  if (!routes.some((r) => r.pattern.test(location.hash.replace(/^#/, '').split('?')[0]))) {
    history.replaceState(null, '', '#/today');
  }
  await render();
}

// Taking the counter as someone with a PIN asks for it (the core checks it); a cancelled or
// refused switch leaves the list showing who is still at the counter.
document.getElementById('actor-select').addEventListener('change', async (event) => {
  const id = Number(event.target.value);
  const member = session.staff.find((s) => s.id === id);
  // Until the core says otherwise, the list shows who is still at the counter.
  event.target.value = String(session.actor ?? '');
  try {
    if (member && await takeCounter(member)) session.actor = id;
  } catch {
    // Refused (a staff member deactivated meanwhile): the list goes back.
  }
  event.target.value = String(session.actor ?? '');
});

whenOwnerNeeded(() => confirmOwner());

// ------------------------------------------------------------------ lock

let locking = false;

/**
 * Locks the vault, removes every customer value from the page and reloads it, so nothing the
 * page held (DOM, closures, caches) survives in JS memory.
 */
export async function lockNow() {
  if (locking) return;
  locking = true;
  idle.stop();
  try {
    await call('lock');
  } catch {
    // Locked already (auto-lock in the core): the page is wiped all the same.
  }
  if (cleanup) cleanup();
  cleanup = null;
  view.replaceChildren();
  gate.replaceChildren();
  document.getElementById('shop-name').textContent = '';
  document.getElementById('actor-select').replaceChildren();
  wipe();
  history.replaceState(null, '', location.pathname);
  location.reload();
}

whenLocked(() => lockNow());
// The shell's own idle timer locked the vault (the page's timer may be throttled in a hidden or
// frozen window): wipe the page now, not at its next call.
window.addEventListener('skranke:vault-locked', () => lockNow());
document.getElementById('lock-button').addEventListener('click', () => lockNow());

/** Auto-lock after the shop's idle minutes; activity also keeps the core's timer fresh. */
const idle = (() => {
  let limitMs = 10 * 60 * 1000;
  let timer = null;
  let lastPing = 0;
  const events = ['keydown', 'pointerdown', 'pointermove', 'wheel'];
  function reset() {
    clearTimeout(timer);
    timer = setTimeout(() => lockNow(), limitMs);
    const now = Date.now();
    if (now - lastPing > 60 * 1000) {
      lastPing = now;
      call('touch').catch(() => {});
    }
  }
  return {
    start(minutes) {
      limitMs = Math.max(1, minutes) * 60 * 1000;
      lastPing = Date.now();
      for (const name of events) window.addEventListener(name, reset, { passive: true });
      reset();
    },
    stop() {
      clearTimeout(timer);
      for (const name of events) window.removeEventListener(name, reset);
    },
    setMinutes(minutes) {
      limitMs = Math.max(1, minutes) * 60 * 1000;
      reset();
    },
  };
})();

/** What a screen may ask of the shell around it; passed in, so no screen imports main.js. */
const screenContext = {
  navigate,
  refreshChrome: () => renderChrome(),
  setAutoLockMinutes: (minutes) => idle.setMinutes(minutes),
};

// ------------------------------------------------------------------ keyboard

watchCapsLock(document);

function focusSearch() {
  const search = document.querySelector('[data-search]');
  if (search) search.focus();
  else navigate('#/customers');
}

document.addEventListener('keydown', (event) => {
  if (workspace.hidden || event.defaultPrevented || document.querySelector('dialog[open]')) return;
  const target = event.target;
  const typing = target.matches('input, textarea, select, [contenteditable]');
  const chord = (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
  const plain = !event.ctrlKey && !event.metaKey && !event.altKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  let act = null;
  if (key === 'F2' && plain) act = () => navigate('#/intake/new');
  else if (chord && key === 'k') act = focusSearch;
  else if (chord && key === 'l') act = () => lockNow();
  else if (!typing && plain && key === '/') act = focusSearch;
  else if (!typing && key === '?' && !event.ctrlKey && !event.metaKey) act = showShortcuts;
  else if (!typing && plain && key === 'Escape' && location.hash && location.hash !== '#/today') act = () => history.back();
  if (act) {
    event.preventDefault();
    act();
  }
});

// ------------------------------------------------------------------ boot

window.addEventListener('hashchange', () => render());
onLanguageChange(() => {
  applyI18n(document);
  if (!workspace.hidden) {
    renderChrome();
    render();
  }
});

async function boot() {
  await setLanguage(preferredLanguage());
  const status = await call('app_status');
  if (!status.vault_exists) {
    await firstRun.show(gate, { status, enterWorkspace });
  } else if (status.unlocked) {
    await enterWorkspace();
  } else {
    await unlock.show(gate, { status, enterWorkspace });
  }
  document.body.dataset.ready = 'true';
  call('ui_ready').catch(() => {});
}

boot().catch((error) => {
  document.body.replaceChildren(el('p', { class: 'form-error', text: t('error.internal') + ' ' + (error.message || error) }));
});
