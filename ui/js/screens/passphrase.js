// A rough strength hint for a new passphrase: length matters most, variety a little.

/** 0 = empty, 1 = weak, 2 = fair, 3 = strong. Only a hint; the core enforces the minimum. */
export function strength(value) {
  if (!value) return 0;
  const length = [...value].length;
  const kinds = [/[a-zæøåäö]/, /[A-ZÆØÅÄÖ]/, /\d/, /[^\p{L}\d]/u].filter((r) => r.test(value)).length;
  const words = value.trim().split(/\s+/).length;
  if (length < 10) return 1;
  if (length >= 16 && (kinds >= 2 || words >= 3)) return 3;
  if (length >= 20) return 3;
  return 2;
}
