// Screen 4: customers. Search as you type; `/` focuses the search; arrows and Enter open.

import { call } from '../api.js';
import { part, screen } from '../dom.js';
import { formatNumber, t } from '../i18n.js';
import { searchList } from '../search-list.js';

export async function render(page, _params, { navigate }) {
  const [fragment, count] = await Promise.all([screen('customers'), call('customer_count')]);
  part(fragment, 'count').textContent = t('customers.count', { count: formatNumber(count) });
  const input = part(fragment, 'query');
  const run = searchList(input, part(fragment, 'results'), (hit) => navigate(`#/customer/${hit.id}`));
  page.append(fragment);
  await run();
}
