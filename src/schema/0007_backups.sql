-- Skranke schema 7: backups and the erasure ledger (issue 12).

-- Where backups go (a folder the owner chose once) and how many are kept: the newest of each of
-- the last N days and of the last M months. `backup_last_at` is the last backup that was
-- verified and renamed into place, for the "no recent backup" warning.
ALTER TABLE shop ADD COLUMN backup_folder TEXT;
ALTER TABLE shop ADD COLUMN backup_keep_daily INTEGER NOT NULL DEFAULT 14
    CHECK (backup_keep_daily BETWEEN 1 AND 366);
ALTER TABLE shop ADD COLUMN backup_keep_monthly INTEGER NOT NULL DEFAULT 12
    CHECK (backup_keep_monthly BETWEEN 0 AND 120);
ALTER TABLE shop ADD COLUMN backup_last_at TEXT;

-- The customer an erasure removed, by internal id and registration time (pseudonymous): the
-- erasure ledger outside the database names them so a restored older copy erases them again.
ALTER TABLE erasure ADD COLUMN customer_id INTEGER;
ALTER TABLE erasure ADD COLUMN customer_created_at TEXT;

-- Authenticates the erasure ledger file. Kept inside the database (not derived from the data
-- key) so every backup carries it and a key rotation does not orphan the ledger.
CREATE TABLE ledger_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB NOT NULL CHECK (length(key) = 32)
);
INSERT INTO ledger_key(id, key) VALUES (1, randomblob(32));
