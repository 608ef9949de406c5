// The core's closed vocabularies, in the order the UI offers them. A Rust test
// (src-tauri/tests/catalogs.rs) checks these lists against the core and the catalogs.

export const DEVICE_TYPES = ['laptop', 'desktop', 'phone', 'tablet', 'hdd', 'ssd', 'usb_or_memory_card', 'optical_disc', 'paper', 'other'];
export const SERVICES = ['repair', 'data_recovery', 'backup_copy', 'destruction', 'other'];
export const ACCESS = ['none_needed', 'customer_at_pickup', 'given_verbally_not_recorded'];
export const STATUSES = ['received', 'in_progress', 'ready', 'handed_over', 'held_for_destruction', 'destroyed', 'cancelled', 'declined', 'disposed'];
export const CATEGORIES = ['clear', 'purge', 'destroy'];
export const METHODS = ['shred', 'disintegrate', 'drill_crush', 'degauss', 'overwrite', 'block_erase', 'crypto_erase'];
export const DIN_CLASSES = ['H', 'E', 'O', 'P', 'T', 'F'];
/** NIST SP 800-88: the methods each category allows (the core refuses any other pairing). */
export const METHODS_OF = {
  clear: ['overwrite'],
  purge: ['block_erase', 'crypto_erase', 'overwrite', 'degauss'],
  destroy: ['shred', 'disintegrate', 'drill_crush'],
};
/** Physical destruction: the only methods with a DIN 66399 level. */
export const PHYSICAL_METHODS = METHODS_OF.destroy;
export const MEDIA_TYPES = ['hdd', 'ssd', 'flash', 'hybrid', 'optical', 'other'];
export const CONSENT_CHANNELS = ['counter', 'email', 'web', 'phone'];
export const REQUEST_KINDS = ['access', 'export', 'rectification', 'erasure', 'restriction', 'objection'];
export const REQUEST_CHANNELS = ['counter', 'email', 'phone', 'letter', 'other'];
export const VERIFICATION_METHODS = ['contact_on_file', 'in_person_id_shown', 'other'];

/** How a status is shown: the badge tone says whether someone has to act. */
export const STATUS_TONE = {
  received: 'info',
  in_progress: 'info',
  ready: 'ok',
  handed_over: 'neutral',
  held_for_destruction: 'warn',
  destroyed: 'neutral',
  cancelled: 'neutral',
  declined: 'neutral',
  disposed: 'neutral',
};

/** Audit log actions, as the core names them. */
export const ACTIONS = [
  'vault_created', 'unlocked', 'locked', 'passphrase_changed', 'recovery_key_replaced', 'data_key_rotated', 'key_file_authenticated', 'remembered', 'forgotten',
  'shop_updated', 'settings_updated', 'staff_added', 'staff_updated', 'searched', 'customer_created', 'customer_viewed',
  'customer_updated', 'customer_deleted', 'consent_given', 'consent_withdrawn', 'intake_created', 'intake_viewed',
  'intake_updated', 'status_changed', 'copy_created', 'copy_deleted', 'device_destroyed', 'document_issued',
  'exported', 'printed', 'print_copy_not_deleted', 'erased', 'erasure_requested', 'erasure_withdrawn', 'anonymised', 'restricted_viewed',
  'restricted_deleted', 'letter_sent', 'payment_due_set', 'device_disposed', 'marketing_objection', 'backup_created', 'backup_pruned',
  'backup_settings_updated', 'restored', 'erasure_reapplied', 'request_added', 'request_verified', 'request_extended',
  'request_closed', 'breach_recorded', 'breach_updated', 'recipient_added', 'recipient_updated', 'disclosure_recorded', 'processing_activity_updated',
  'pin_set', 'pin_removed', 'pin_failed', 'pin_paused', 'counter_taken', 'owner_confirmed',
];

/** Who the shop passes data to (privacy::RecipientRole). */
export const RECIPIENT_ROLES = ['debt_collection', 'bailiff', 'accountant', 'accounting_software', 'other'];

/** What a disclosure passed on (privacy::DataCategory). */
export const DATA_CATEGORIES = ['contact', 'birth_date', 'devices', 'accounting'];

/** The activities of the record of processing (privacy::processing::Activity). */
export const ACTIVITIES = ['customer_register', 'invoicing', 'repair', 'data_recovery', 'backup_copies', 'destruction', 'information_letters', 'credit_checks'];

/** What the shop may word itself per activity (privacy::processing::ActivityText). */
export const ACTIVITY_FIELDS = ['purposes', 'legal_basis', 'data_subjects', 'data_categories', 'recipients', 'transfers'];
