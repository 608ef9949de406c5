// The language switch shown on the first-run and unlock screens.

import { LANGUAGES, currentLanguage, setLanguage } from '../i18n.js';
import { fillOptions } from '../dom.js';

export function languagePicker(select) {
  fillOptions(select, LANGUAGES, 'lang.');
  select.value = currentLanguage();
  select.addEventListener('change', () => setLanguage(select.value, { remember: true }));
}
