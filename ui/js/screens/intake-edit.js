// Correcting an open intake (GDPR Art. 16): the old values are replaced; the core's log names
// the fields that changed, never their values.

import { call } from '../api.js';
import { fillForm, onSubmit, toast } from '../dom.js';

const FIELDS = ['make', 'model', 'serial', 'accessories', 'condition', 'fault', 'estimate'];

export function editForm(form, intake, repaint) {
  const open = intake.allowed_next.length > 0;
  form.hidden = !open;
  if (!open) return;
  fillForm(form, Object.fromEntries(FIELDS.map((f) => [f, intake[f]])));
  onSubmit(form, async (values) => {
    const edit = Object.fromEntries(FIELDS.filter((f) => values[f] !== intake[f]).map((f) => [f, values[f]]));
    repaint(await call('edit_intake', { id: intake.id, edit }));
    toast('toast.saved');
  });
}
