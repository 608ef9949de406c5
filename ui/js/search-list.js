// Search as you type with arrow keys and Enter: used on the customers screen and in new intake.

import { call } from './api.js';
import { el } from './dom.js';
import { formatPhone, postcode, t } from './i18n.js';
import { dataTable, emptyState } from './table.js';

const LIMIT = 25;
let lists = 0;

/**
 * Wires `input` to fill `results` with matching customers. `onOpen(summary)` runs on Enter or
 * click. `onEnterText(text)`, when given, sees the typed text first on Enter and resolves true
 * when it handled it (an intake number scanned from a receipt). Returns a function that runs
 * the search again.
 */
export function searchList(input, results, onOpen, { compact = false, onEnterText = null } = {}) {
  // A combobox over a listbox (WAI-ARIA 1.2): the focus stays in the box, and the active
  // descendant and aria-selected follow the arrow keys, so a screen reader reads the hit chosen.
  const listId = `${results.id || 'search'}-list-${++lists}`;
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  let selected = 0;
  let hits = [];
  let sequence = 0;
  // The text the shown hits answer: Enter never opens a hit of an older query.
  let shownFor = null;

  /** Points the box at the selected option, or at nothing when there are no hits. */
  const announce = () => {
    input.setAttribute('aria-expanded', String(hits.length > 0));
    if (hits.length) {
      input.setAttribute('aria-controls', listId);
      input.setAttribute('aria-activedescendant', `${listId}-${selected}`);
    } else {
      input.removeAttribute('aria-controls');
      input.removeAttribute('aria-activedescendant');
    }
  };

  const paint = () => {
    if (!hits.length) {
      results.replaceChildren(emptyState(input.value.trim() ? 'customers.no_match' : 'customers.none_yet'));
      announce();
      return;
    }
    const rows = hits.map((hit, index) => el('tr', {
      class: 'clickable',
      role: 'option',
      id: `${listId}-${index}`,
      'aria-selected': String(index === selected),
      'data-customer-id': String(hit.id),
      onclick: () => onOpen(hit),
    },
    el('td', {}, el('a', { href: `#/customer/${hit.id}`, text: hit.name, tabindex: '-1', onclick: (e) => { e.preventDefault(); } })),
    el('td', { class: 'nowrap', text: formatPhone(hit.mobile) }),
    compact ? null : el('td', { text: hit.email }),
    el('td', { text: [postcode(hit.postcode), hit.city].filter(Boolean).join(' ') }),
    compact ? null : el('td', { key: 'kind.' + hit.kind })));
    const columns = [{ key: 'customer.name' }, { key: 'customer.mobile' }];
    if (!compact) columns.push({ key: 'customer.email' });
    columns.push({ key: 'customers.col_place' });
    if (!compact) columns.push({ key: 'customer.kind' });
    const table = dataTable(columns, rows, { testid: 'customer-results' });
    // The table is drawn for the eye; to a screen reader it is one list of options.
    table.id = listId;
    table.setAttribute('role', 'listbox');
    table.setAttribute('aria-label', t('customers.results_label'));
    table.tHead.setAttribute('aria-hidden', 'true');
    table.tHead.setAttribute('role', 'presentation');
    table.tBodies[0].setAttribute('role', 'presentation');
    results.replaceChildren(table);
    announce();
  };

  const run = async () => {
    const mine = ++sequence;
    const query = input.value;
    const found = await call('search_customers', { query, limit: LIMIT });
    if (mine !== sequence) return;
    hits = found;
    shownFor = query;
    selected = 0;
    paint();
  };

  const openSelected = async () => {
    if (onEnterText && await onEnterText(input.value.trim())) return;
    if (shownFor !== input.value) await run();
    if (shownFor === input.value && hits[selected]) onOpen(hits[selected]);
  };

  const move = (delta) => {
    if (!hits.length) return;
    selected = (selected + delta + hits.length) % hits.length;
    for (const [index, row] of [...results.querySelectorAll('tbody tr')].entries()) {
      row.setAttribute('aria-selected', String(index === selected));
      if (index === selected) row.scrollIntoView({ block: 'nearest' });
    }
    announce();
  };

  input.addEventListener('input', () => run());
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      move(1);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      move(-1);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      openSelected();
    } else if (event.key === 'Escape' && input.value) {
      input.value = '';
      run();
    }
  });
  input.setAttribute('aria-label', input.getAttribute('aria-label') || t('customers.search_label'));
  return run;
}
