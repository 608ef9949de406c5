// The only way the page talks to the shell. Failures arrive as {code, message, field?}.

let onLocked = null;

/** Registers what happens when any command reports that the vault is locked. */
export function whenLocked(handler) {
  onLocked = handler;
}

export async function call(command, args = {}) {
  try {
    return await window.__TAURI__.core.invoke(command, args);
  } catch (raw) {
    const error = normalise(raw);
    if (error.code === 'locked' && onLocked) onLocked();
    throw error;
  }
}

function normalise(raw) {
  if (raw && typeof raw === 'object' && typeof raw.code === 'string') return raw;
  return { code: 'internal', message: String(raw) };
}
