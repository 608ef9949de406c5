-- Skranke schema 12: who is at the counter (issue 14).
-- A staff member's PIN as an Argon2id PHC string (salt and parameters inside, never the PIN),
-- the wrong tries since the last right one and the end of the current pause, kept here so a
-- restart does not reset them. `owner` marks the staff member created at first run: the one
-- whose PIN (or the passphrase) opens settings, keys, erasure, restricted records and the log's check.
ALTER TABLE staff ADD COLUMN pin_hash TEXT;
ALTER TABLE staff ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN pin_paused_until TEXT;
ALTER TABLE staff ADD COLUMN owner INTEGER NOT NULL DEFAULT 0 CHECK (owner IN (0, 1));
UPDATE staff SET owner = 1 WHERE id = (SELECT min(id) FROM staff);
