-- NIST SP 800-88 §4.8: a sanitization record states where the media went afterwards
-- (recycling, returned to the customer, kept for reuse).
ALTER TABLE intake ADD COLUMN destination TEXT;
