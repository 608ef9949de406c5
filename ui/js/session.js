// What the page holds while the vault is unlocked. `wipe()` drops all of it.

export const session = {
  shop: null,
  settings: null,
  staff: [],
  actor: null,
};

export function wipe() {
  session.shop = null;
  session.settings = null;
  session.staff = [];
  session.actor = null;
}

export function activeStaff() {
  return session.staff.filter((s) => s.active);
}

export function staffName(id) {
  const member = session.staff.find((s) => s.id === id);
  return member ? member.name : '';
}
