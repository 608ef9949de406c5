// The only way the page talks to the shell. Failures arrive as {code, message, field?}.

let onLocked = null;
let onOwnerNeeded = null;

/** Registers what happens when any command reports that the vault is locked. */
export function whenLocked(handler) {
  onLocked = handler;
}

/**
 * Registers who asks for the owner when the core refuses an owner-only action (`owner_only`):
 * `handler()` resolves true once the owner confirmed, and the command is then sent once more.
 */
export function whenOwnerNeeded(handler) {
  onOwnerNeeded = handler;
}

export async function call(command, args = {}) {
  try {
    return await invoke(command, args);
  } catch (error) {
    const ask = error.code === 'owner_only' && onOwnerNeeded && command !== 'confirm_owner';
    if (ask && await onOwnerNeeded()) return invoke(command, args);
    throw error;
  }
}

async function invoke(command, args) {
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
